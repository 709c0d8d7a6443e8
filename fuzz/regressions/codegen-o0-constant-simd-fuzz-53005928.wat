;; seed: 53005928
;; The module of differential-fuzzing seed 53005928 (final-tree campaign, 2026-11-30): its O0 compile
;; never finished (see codegen-o0-constant-simd.wat for the minimised case and the fix).
(module
  (type (;0;) (func (param f64 v128) (result externref)))
  (memory (;0;) 0 2)
  (global (;0;) (mut v128) v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
  (global (;1;) (mut i32) i32.const 0)
  (global (;2;) (mut i64) i64.const 0)
  (global (;3;) (mut i32) i32.const 0)
  (global (;4;) (mut i64) i64.const 0)
  (global (;5;) (mut i32) i32.const 1000)
  (export "\u{3d62}\u{12}\u{19}9`_\u{10}" (func 0))
  (export "" (func 1))
  (export "2" (memory 0))
  (export "3" (global 0))
  (export "s" (global 1))
  (export "5" (global 2))
  (export "\u{6}" (global 3))
  (export "7" (global 4))
  (export "__fuel" (global 5))
  (func (;0;) (type 0) (param f64 v128) (result externref)
    (local i32 v128 f64 f64 v128 v128 v128)
    global.get 5
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 5
    i32.const 1
    i32.sub
    global.set 5
    f64.const -nan:0xfffffbfffffff (;=NaN;)
    f64x2.splat
    i8x16.abs
    f32x4.floor
    local.tee 3
    v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
    local.get 3
    local.get 3
    f32x4.eq
    v128.bitselect
    local.set 1
    block (result f32) ;; label = @1
      memory.size
      i32.const -513
      f64.const 0x1.fade2bc586e0cp+625 (;=275677977949455000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000;)
      ref.null func
      f64.const 0x1.ffffffffffffep-1023 (;=0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000002225073858507201;)
      f64.trunc
      local.tee 4
      f64.const nan (;=NaN;)
      local.get 4
      local.get 4
      f64.eq
      select
      i64.trunc_sat_f64_s
      i64x2.splat
      i16x8.extend_high_i8x16_s
      i16x8.bitmask
      f64.convert_i32_u
      f64.floor
      local.tee 5
      f64.const nan (;=NaN;)
      local.get 5
      local.get 5
      f64.eq
      select
      block (result i32) ;; label = @2
        i32.const -32769
        i32.popcnt
        i32.load8_u
        i32.eqz
        f64.const -nan:0xffffe00000000 (;=NaN;)
        i32.trunc_f64_s
        i32.rem_s
        v128.load16_splat
        i16x8.extend_low_i8x16_s
        i32x4.trunc_sat_f64x2_u_zero
        ref.null extern
        f64.const 0x1.d671c52c2a497p+755 (;=348269207715043100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000;)
        i32.trunc_sat_f64_u
        i32.load16_s
        i64.const -6009290258939115763
        i64x2.splat
        i32x4.extadd_pairwise_i16x8_s
        f64x2.floor
        local.tee 6
        v128.const i32x4 0x00000000 0x7ff80000 0x00000000 0x7ff80000
        local.get 6
        local.get 6
        f64x2.eq
        v128.bitselect
        i16x8.extadd_pairwise_i8x16_u
        i32x4.relaxed_trunc_f32x4_u
        v128.load32_lane align=2 3
        i16x8.extadd_pairwise_i8x16_u
        i32x4.extadd_pairwise_i16x8_s
        f64x2.ceil
        local.tee 7
        v128.const i32x4 0x00000000 0x7ff80000 0x00000000 0x7ff80000
        local.get 7
        local.get 7
        f64x2.eq
        v128.bitselect
        f32x4.convert_i32x4_s
        i32x4.relaxed_trunc_f64x2_u_zero
        i64x2.extend_high_i32x4_u
        i16x8.extend_low_i8x16_u
        local.tee 1
        f32x4.nearest
        local.tee 8
        v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
        local.get 8
        local.get 8
        f32x4.eq
        v128.bitselect
        i32x4.extend_low_i16x8_s
        global.get 0
        v128.xor
        global.set 0
        drop
        global.get 0
        v128.xor
        global.set 0
        i32.const 1561441086
      end
      global.get 1
      i32.xor
      global.set 1
      i64.reinterpret_f64
      global.get 2
      i64.xor
      global.set 2
      drop
      i64.reinterpret_f64
      global.get 2
      i64.xor
      global.set 2
      global.get 1
      i32.xor
      global.set 1
      global.get 1
      i32.xor
      global.set 1
      f32.const -nan (;=NaN;)
    end
    i32.reinterpret_f32
    global.get 3
    i32.xor
    global.set 3
    ref.null extern
  )
  (func (;1;) (type 0) (param f64 v128) (result externref)
    (local i64 v128 i64 v128 v128)
    global.get 5
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 5
    i32.const 1
    i32.sub
    global.set 5
    i32.const 479447889
    v128.load32_zero offset=2496476111 align=1
    i8x16.extract_lane_u 3
    loop ;; label = @1
      global.get 5
      i32.eqz
      if ;; label = @2
        unreachable
      end
      global.get 5
      i32.const 1
      i32.sub
      global.set 5
      block (result f64) ;; label = @2
        f32.const -nan:0x7fffdf (;=NaN;)
        f64.promote_f32
        i32.const -595230169
        memory.grow
        i64.load16_u align=1
        f32.const 0x0p+0 (;=0;)
        v128.const i32x4 0xc21a1652 0xb5cc5ab3 0xc8f97edf 0xef350e81
        i64x2.extend_low_i32x4_u
        f64x2.neg
        i16x8.extend_low_i8x16_u
        f32x4.convert_i32x4_s
        f32x4.convert_i32x4_u
        i16x8.all_true
        i64.load align=1
        i64.extend32_s
        f64.reinterpret_i64
        i32.trunc_f64_s
        v128.load align=2
        f64x2.extract_lane 1
        i64.trunc_sat_f64_s
        local.set 4
        ref.null func
        local.get 1
        i32x4.trunc_sat_f64x2_s_zero
        i32x4.trunc_sat_f32x4_u
        f32x4.sqrt
        local.tee 5
        v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
        local.get 5
        local.get 5
        f32x4.eq
        v128.bitselect
        f64.const 0x1.ffcp-1064 (;=0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000010114;)
        loop (result i64) ;; label = @3
          global.get 5
          i32.eqz
          if ;; label = @4
            unreachable
          end
          global.get 5
          i32.const 1
          i32.sub
          global.set 5
          ref.null func
          v128.const i32x4 0x6eebf59a 0xb089fd3e 0x3a8df11b 0xc5249ce7
          f64x2.neg
          v128.const i32x4 0x4cb37ff4 0xc4d14b15 0xdafd356e 0x3ddf0cfe
          i32x4.extend_high_i16x8_u
          i64x2.le_s
          f64x2.abs
          i8x16.bitmask
          i32.load align=1
          br 2 (;@1;)
          if (result i32) ;; label = @4
            loop (result externref) ;; label = @5
              global.get 5
              i32.eqz
              if ;; label = @6
                unreachable
              end
              global.get 5
              i32.const 1
              i32.sub
              global.set 5
              i32.const 4194303
              i64.load16_u
              i64x2.splat
              i32x4.trunc_sat_f64x2_s_zero
              i16x8.abs
              i32x4.neg
              local.tee 1
              br 0 (;@5;)
              i8x16.popcnt
              i64x2.extract_lane 0
              i64.extend32_s
              loop ;; label = @6
                global.get 5
                i32.eqz
                if ;; label = @7
                  unreachable
                end
                global.get 5
                i32.const 1
                i32.sub
                global.set 5
                block ;; label = @7
                  block ;; label = @8
                    block ;; label = @9
                      f64.const -0x1.db4a91e1197e1p-940 (;=-0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001997670998778087;)
                      f32.demote_f64
                      i64.trunc_f32_s
                      local.set 2
                      memory.size
                      nop
                      v128.load8_splat
                      f32x4.trunc
                      local.tee 6
                      v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
                      local.get 6
                      local.get 6
                      f32x4.eq
                      v128.bitselect
                      i32x4.relaxed_trunc_f64x2_s_zero
                      i32x4.trunc_sat_f32x4_u
                      i32x4.relaxed_trunc_f32x4_u
                      local.get 3
                      i64x2.extract_lane 0
                      f32.const -nan (;=NaN;)
                      i32.reinterpret_f32
                      global.get 3
                      i32.xor
                      global.set 3
                      global.get 4
                      i64.xor
                      global.set 4
                      global.get 0
                      v128.xor
                      global.set 0
                    end
                  end
                end
              end
              global.get 4
              i64.xor
              global.set 4
              ref.null extern
            end
            drop
            i32.const -1005949853
          else
            i32.const 134217727
          end
          global.get 1
          i32.xor
          global.set 1
          drop
          i64.const 5572714299544551739
        end
        global.get 4
        i64.xor
        global.set 4
        i64.reinterpret_f64
        global.get 2
        i64.xor
        global.set 2
        global.get 0
        v128.xor
        global.set 0
        drop
        i32.reinterpret_f32
        global.get 3
        i32.xor
        global.set 3
        global.get 4
        i64.xor
        global.set 4
      end
      i64.reinterpret_f64
      global.get 2
      i64.xor
      global.set 2
    end
    global.get 1
    i32.xor
    global.set 1
    ref.null extern
  )
  (data (;0;) "")
)
