;; seed: 96010434
;; The module of differential-fuzzing seed 96010434 (lazy-JIT campaign, 2026-11-30): at O2 with
;; guard pages, `global.set 0` before a faulting `v128.store32_lane` was deleted as dead: LLVM
;; does not know that a pinned (volatile) access may fault, so the store, overwritten later,
;; looked dead across it, and after the trap the global held its old value. Global and
;; table-element stores are now volatile wherever accesses are pinned (`state_store`).
(module
  (type (;0;) (func (result v128)))
  (type (;1;) (func (param i64 f32)))
  (table (;0;) 0 externref)
  (table (;1;) 10 externref)
  (memory (;0;) 0 2)
  (global (;0;) (mut f32) f32.const -0x1.3e6e98p+15 (;=-40759.297;))
  (global (;1;) (mut i64) i64.const 4064226343271092442)
  (global (;2;) (mut i64) i64.const 0)
  (global (;3;) (mut i32) i32.const 0)
  (global (;4;) (mut i64) i64.const 0)
  (global (;5;) (mut i32) i32.const 0)
  (global (;6;) (mut v128) v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
  (global (;7;) (mut i32) i32.const 1000)
  (export "." (func 0))
  (export "" (func 1))
  (export "2" (func 2))
  (export "3" (func 3))
  (export "4" (func 4))
  (export "5" (func 5))
  (export "6" (table 0))
  (export "7" (table 1))
  (export "8" (memory 0))
  (export "9" (global 0))
  (export "10" (global 1))
  (export "11" (global 2))
  (export "12" (global 3))
  (export "J" (global 4))
  (export "@ri." (global 5))
  (export "15" (global 6))
  (export "__fuel" (global 7))
  (elem (;0;) externref)
  (func (;0;) (type 1) (param i64 f32)
    (local f64 v128 v128 v128)
    global.get 7
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 7
    i32.const 1
    i32.sub
    global.set 7
    table.size 0
    br 0
    i32.load16_s offset=1473296427 align=1
    table.get 1
    f32.const -0x1.fffffep+96 (;=-158456320000000000000000000000;)
    f64.const 0x1p-1019 (;=0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000017800590868057611;)
    f64.floor
    local.tee 2
    f64.const nan (;=NaN;)
    local.get 2
    local.get 2
    f64.eq
    select
    ref.null func
    memory.size
    f64.const 0x1.60e6720ece6f5p+858 (;=2649404024355924700000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000;)
    f64.const 0x1.3f11cb580365ap-685 (;=0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000007764228514293905;)
    i64.trunc_f64_s
    call 1
    i16x8.extadd_pairwise_i8x16_u
    i32x4.bitmask
    i32.load align=2
    v128.load32_splat align=2
    i32x4.all_true
    v128.load32_zero offset=1507961779 align=1
    f64x2.extract_lane 0
    i32.trunc_f64_s
    v128.load16_splat
    i16x8.extend_low_i8x16_u
    i64x2.extend_high_i32x4_s
    i16x8.extract_lane_s 4
    v128.load64_zero offset=25181 align=2
    f64x2.sqrt
    local.tee 3
    v128.const i32x4 0x00000000 0x7ff80000 0x00000000 0x7ff80000
    local.get 3
    local.get 3
    f64x2.eq
    v128.bitselect
    i16x8.extadd_pairwise_i8x16_s
    i32x4.extend_high_i16x8_u
    f64x2.nearest
    local.tee 4
    v128.const i32x4 0x00000000 0x7ff80000 0x00000000 0x7ff80000
    local.get 4
    local.get 4
    f64x2.eq
    v128.bitselect
    f32x4.convert_i32x4_s
    f64x2.promote_low_f32x4
    f32x4.convert_i32x4_s
    f32x4.nearest
    local.tee 5
    v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
    local.get 5
    local.get 5
    f32x4.eq
    v128.bitselect
    i32x4.all_true
    f64.const -0x1.d3f072bea4f44p+348 (;=-1048064476784046300000000000000000000000000000000000000000000000000000000000000000000000000000000000000000;)
    i64.reinterpret_f64
    global.get 2
    i64.xor
    global.set 2
    global.get 3
    i32.xor
    global.set 3
    global.get 4
    i64.xor
    global.set 4
    i64.reinterpret_f64
    global.get 2
    i64.xor
    global.set 2
    global.get 3
    i32.xor
    global.set 3
    drop
    i64.reinterpret_f64
    global.get 2
    i64.xor
    global.set 2
    i32.reinterpret_f32
    global.get 5
    i32.xor
    global.set 5
    drop
  )
  (func (;1;) (type 0) (result v128)
    (local v128 f32 v128)
    global.get 7
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 7
    i32.const 1
    i32.sub
    global.set 7
    table.size 0
    i16x8.splat
    call 1
    f64x2.ge
    i64x2.abs
    i16x8.extend_low_i8x16_u
    i8x16.extract_lane_u 11
    i32.load
    v128.load8_splat offset=22373
    f64x2.nearest
    local.tee 0
    v128.const i32x4 0x00000000 0x7ff80000 0x00000000 0x7ff80000
    local.get 0
    local.get 0
    f64x2.eq
    v128.bitselect
    block ;; label = @1
      v128.const i32x4 0xeba5db4f 0x0f8d9bca 0xbe6d06d9 0xd20feba1
      table.size 1
      i64.load16_u offset=121261
      f64.convert_i64_u
      i64.reinterpret_f64
      loop (result f32) ;; label = @2
        global.get 7
        i32.eqz
        if ;; label = @3
          unreachable
        end
        global.get 7
        i32.const 1
        i32.sub
        global.set 7
        block (type 0) (result v128) ;; label = @3
          f32.const -0x1.7f0208p+34 (;=-25703227000;)
          elem.drop 0
          f32.floor
          local.tee 1
          f32.const nan (;=NaN;)
          local.get 1
          local.get 1
          f32.eq
          select
          i32.trunc_f32_u
          i32.extend16_s
          br_table 1 (;@2;) 2 (;@1;) 1 (;@2;)
          global.get 0
          i32.trunc_f32_s
          i32.ctz
          v128.load64_splat align=4
          i8x16.popcnt
          i16x8.neg
          f64.const -nan:0xffffffffffc00 (;=NaN;)
          global.get 1
          return_call 1
          i32x4.extend_low_i16x8_u
          f64x2.sqrt
          local.tee 2
          v128.const i32x4 0x00000000 0x7ff80000 0x00000000 0x7ff80000
          local.get 2
          local.get 2
          f64x2.eq
          v128.bitselect
          br 1 (;@2;)
          i64x2.extend_low_i32x4_s
          i32x4.bitmask
          i64.extend_i32_s
          call 3
          f32x4.abs
          call 5
          i32x4.min_u
          i32x4.extract_lane 1
          f32.convert_i32_u
          i32.trunc_sat_f32_s
          i8x16.splat
          i32x4.neg
          i32x4.extend_high_i16x8_s
          i16x8.extend_low_i8x16_u
          i32x4.trunc_sat_f32x4_u
          global.get 0
          i32.reinterpret_f32
          global.get 5
          i32.xor
          global.set 5
          drop
          global.get 4
          i64.xor
          global.set 4
          global.get 4
          i64.xor
          global.set 4
          i64.reinterpret_f64
          global.get 2
          i64.xor
          global.set 2
        end
        global.get 6
        v128.xor
        global.set 6
        f32.const 0x1.p-128 (;=0.000000000000000000000000000000000000002938736;)
      end
      i32.reinterpret_f32
      global.get 5
      i32.xor
      global.set 5
      global.get 4
      i64.xor
      global.set 4
      global.get 6
      v128.xor
      global.set 6
    end
  )
  (func (;2;) (type 1) (param i64 f32)
    (local v128 v128 f32)
    global.get 7
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 7
    i32.const 1
    i32.sub
    global.set 7
    local.get 1
    i64.trunc_f32_u
    i64.popcnt
    v128.const i32x4 0x924ef2ec 0x284b55e2 0x3ec7aaa9 0x00c6e02e
    i32x4.extend_low_i16x8_s
    i16x8.extend_high_i8x16_s
    i32.const 31
    i8x16.shr_s
    i32x4.trunc_sat_f64x2_u_zero
    i32.const 1774022077
    elem.drop 0
    i32.popcnt
    i32.ctz
    v128.load8_splat
    i8x16.gt_s
    i16x8.all_true
    f32.reinterpret_i32
    f64.const -0x1.dd476f2808f9fp+824 (;=-208568551100247770000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000;)
    table.size 1
    loop (result externref) ;; label = @1
      global.get 7
      i32.eqz
      if ;; label = @2
        unreachable
      end
      global.get 7
      i32.const 1
      i32.sub
      global.set 7
      v128.const i32x4 0x45817277 0x0f3377c8 0xfff4e564 0xf3457865
      i32x4.neg
      i16x8.extadd_pairwise_i8x16_s
      i16x8.neg
      i16x8.all_true
      elem.drop 0
      i32.load16_s align=1
      i64.extend_i32_u
      v128.const i32x4 0xe0360d48 0xe7d9538f 0xa6057eae 0xb2f3d8b3
      f32x4.nearest
      local.tee 2
      v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
      local.get 2
      local.get 2
      f32x4.eq
      v128.bitselect
      f32x4.convert_i32x4_u
      f64x2.extract_lane 0
      global.get 0
      i32.trunc_sat_f32_s
      i64.load align=2
      loop (type 0) (result v128) ;; label = @2
        global.get 7
        i32.eqz
        if ;; label = @3
          unreachable
        end
        global.get 7
        i32.const 1
        i32.sub
        global.set 7
        block (result v128) ;; label = @3
          i64.const -2305843009213693952
          f32.convert_i64_u
          memory.size
          v128.load16x4_s align=1
          br 3
          f32x4.nearest
          local.tee 3
          v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
          local.get 3
          local.get 3
          f32x4.eq
          v128.bitselect
          f32x4.extract_lane 1
          block (result i32) ;; label = @4
            global.get 0
            f32.trunc
            local.tee 4
            f32.const nan (;=NaN;)
            local.get 4
            local.get 4
            f32.eq
            select
            i64.const 1229782938247303441
            loop (result funcref) ;; label = @5
              global.get 7
              i32.eqz
              if ;; label = @6
                unreachable
              end
              global.get 7
              i32.const 1
              i32.sub
              global.set 7
              f32.const -0x1.dddddcp+94 (;=-36973140000000000000000000000;)
              f32.abs
              local.tee 1
              i32.reinterpret_f32
              global.get 5
              i32.xor
              global.set 5
              ref.null func
            end
            drop
            global.get 4
            i64.xor
            global.set 4
            i32.reinterpret_f32
            global.get 5
            i32.xor
            global.set 5
            i32.const 262143
          end
          global.get 3
          i32.xor
          global.set 3
          i32.reinterpret_f32
          global.get 5
          i32.xor
          global.set 5
          i32.reinterpret_f32
          global.get 5
          i32.xor
          global.set 5
          v128.const i32x4 0xffffffbf 0xffffffff 0x00000200 0x00000000
        end
      end
      global.get 6
      v128.xor
      global.set 6
      global.get 4
      i64.xor
      global.set 4
      i64.reinterpret_f64
      global.get 2
      i64.xor
      global.set 2
      global.get 4
      i64.xor
      global.set 4
      ref.null extern
    end
    drop
    global.get 3
    i32.xor
    global.set 3
    i64.reinterpret_f64
    global.get 2
    i64.xor
    global.set 2
    i32.reinterpret_f32
    global.get 5
    i32.xor
    global.set 5
    global.get 4
    i64.xor
    global.set 4
  )
  (func (;3;) (type 0) (result v128)
    (local v128 v128 f32 f64 f64 f64)
    global.get 7
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 7
    i32.const 1
    i32.sub
    global.set 7
    ref.null extern
    nop
    block (type 0) (result v128) ;; label = @1
      table.size 1
      i32.extend16_s
      i32.clz
      v128.load32_splat align=2
      f32x4.trunc
      local.tee 0
      v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
      local.get 0
      local.get 0
      f32x4.eq
      v128.bitselect
      f64x2.floor
      local.tee 1
      v128.const i32x4 0x00000000 0x7ff80000 0x00000000 0x7ff80000
      local.get 1
      local.get 1
      f64x2.eq
      v128.bitselect
      i8x16.extract_lane_u 11
      f64.convert_i32_u
      call 5
      i16x8.extract_lane_u 6
      f32.reinterpret_i32
      f32.trunc
      local.tee 2
      f32.const nan (;=NaN;)
      local.get 2
      local.get 2
      f32.eq
      select
      loop (type 0) (result v128) ;; label = @2
        global.get 7
        i32.eqz
        if ;; label = @3
          unreachable
        end
        global.get 7
        i32.const 1
        i32.sub
        global.set 7
        loop (type 0) (result v128) ;; label = @3
          global.get 7
          i32.eqz
          if ;; label = @4
            unreachable
          end
          global.get 7
          i32.const 1
          i32.sub
          global.set 7
          br 0 (;@3;)
          i64.const -1648142197316755524
          i64.extend16_s
          block (type 0) (result v128) ;; label = @4
            elem.drop 0
            loop ;; label = @5
              global.get 7
              i32.eqz
              if ;; label = @6
                unreachable
              end
              global.get 7
              i32.const 1
              i32.sub
              global.set 7
              i32.const 4096
              i32.eqz
              v128.load32x2_s offset=4026931040
              v128.const i32x4 0x8196a56b 0x4a16f57c 0x0fa5f714 0x89104823
              i8x16.bitmask
              i32.load align=2
              f64.const 0x1.0e7dcb602a907p+23 (;=8863461.68782474;)
              f64.ceil
              local.tee 3
              f64.const nan (;=NaN;)
              local.get 3
              local.get 3
              f64.eq
              select
              f64.trunc
              local.tee 4
              f64.const nan (;=NaN;)
              local.get 4
              local.get 4
              f64.eq
              select
              block (result i32) ;; label = @6
                f64.const -0x1.72ad963191d51p-454 (;=-0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000031127117129497816;)
                f64.floor
                local.tee 5
                f64.const nan (;=NaN;)
                local.get 5
                local.get 5
                f64.eq
                select
                i64.reinterpret_f64
                global.get 2
                i64.xor
                global.set 2
                i32.const -763146856
              end
              global.get 3
              i32.xor
              global.set 3
              i64.reinterpret_f64
              global.get 2
              i64.xor
              global.set 2
              global.get 3
              i32.xor
              global.set 3
              global.get 6
              v128.xor
              global.set 6
            end
            v128.const i32x4 0xfc50aba0 0x028b5dff 0x2c3cd75a 0xd3358b55
          end
          global.get 6
          v128.xor
          global.set 6
          global.get 4
          i64.xor
          global.set 4
          v128.const i32x4 0xfc576d9a 0xab8e1760 0x21b9d41b 0xb6c72db8
        end
      end
      global.get 6
      v128.xor
      global.set 6
      i32.reinterpret_f32
      global.get 5
      i32.xor
      global.set 5
      i64.reinterpret_f64
      global.get 2
      i64.xor
      global.set 2
      v128.const i32x4 0x16f8c314 0x44e7fbf1 0xfb10aaab 0x676e2732
    end
    global.get 6
    v128.xor
    global.set 6
    drop
    v128.const i32x4 0xd1282375 0xa4f31944 0xbe5f378e 0xc63219f4
  )
  (func (;4;) (type 0) (result v128)
    (local f32 v128 v128 v128 v128)
    global.get 7
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 7
    i32.const 1
    i32.sub
    global.set 7
    block (type 0) (result v128) ;; label = @1
      i32.const 1815145936
      v128.load32x2_s offset=3521735807 align=1
      global.get 0
      f32.floor
      local.tee 0
      f32.const nan (;=NaN;)
      local.get 0
      local.get 0
      f32.eq
      select
      i32.const 8
      i64.load8_s
      i64.const -4194305
      i64.ge_u
      v128.load32x2_u align=4
      i8x16.bitmask
      i16x8.splat
      f64x2.extract_lane 1
      f64.const -0x1p+769 (;=-3105036184601418000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000;)
      f64.copysign
      i64.trunc_f64_s
      v128.const i32x4 0xafa5e163 0x486c3693 0x5b6b46c2 0x6f17c4e2
      i16x8.neg
      block ;; label = @2
        return_call 3
        loop (type 0) (result v128) ;; label = @3
          global.get 7
          i32.eqz
          if ;; label = @4
            unreachable
          end
          global.get 7
          i32.const 1
          i32.sub
          global.set 7
          global.get 1
          elem.drop 0
          f32.convert_i64_u
          ref.null func
          f32.const -0x1.254f0ep+69 (;=-676324060000000000000;)
          i32.trunc_sat_f32_u
          f64.convert_i32_s
          i32.trunc_sat_f64_u
          br_if 0 (;@3;)
          table.size 0
          i16x8.splat
          f32x4.sqrt
          local.tee 1
          v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
          local.get 1
          local.get 1
          f32x4.eq
          v128.bitselect
          i64x2.extend_high_i32x4_u
          f32x4.ceil
          local.tee 2
          v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
          local.get 2
          local.get 2
          f32x4.eq
          v128.bitselect
          f64x2.promote_low_f32x4
          i32x4.trunc_sat_f32x4_s
          f32x4.floor
          local.tee 3
          v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
          local.get 3
          local.get 3
          f32x4.eq
          v128.bitselect
          return_call 4
          f32x4.add
          local.tee 4
          v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
          local.get 4
          local.get 4
          f32x4.eq
          v128.bitselect
          global.get 6
          v128.xor
          global.set 6
          drop
          i32.reinterpret_f32
          global.get 5
          i32.xor
          global.set 5
          v128.const i32x4 0x7fffffff 0xffffffff 0xf7ffffff 0xffffffff
        end
        global.get 6
        v128.xor
        global.set 6
        global.get 6
        v128.xor
        global.set 6
      end
      global.get 6
      v128.xor
      global.set 6
      global.get 4
      i64.xor
      global.set 4
      i32.reinterpret_f32
      global.get 5
      i32.xor
      global.set 5
    end
  )
  (func (;5;) (type 0) (result v128)
    (local f32 v128 v128 v128)
    global.get 7
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 7
    i32.const 1
    i32.sub
    global.set 7
    table.size 1
    i32.extend16_s
    f32.const -0x1.18698p+104 (;=-22216536000000000000000000000000;)
    block (type 0) (result v128) ;; label = @1
      f32.const -nan:0x780000 (;=NaN;)
      global.set 0
      ref.null func
      ref.null extern
      ref.is_null
      v128.const i32x4 0x708acb10 0x42793bb9 0x76411c9b 0x8a2a4c1e
      f64x2.ceil
      local.tee 1
      v128.const i32x4 0x00000000 0x7ff80000 0x00000000 0x7ff80000
      local.get 1
      local.get 1
      f64x2.eq
      v128.bitselect
      v128.store32_lane offset=422683666 align=2 3
      f32.const -0x1.3cb11p-101 (;=-0.00000000000000000000000000000048794075;)
      local.get 0
      global.set 0
      local.set 0
      i64.const -36028797018963969
      i32.wrap_i64
      call 3
      i32x4.extend_low_i16x8_s
      br 0 (;@1;)
      i32.clz
      v128.load32x2_s align=4
      i16x8.extract_lane_u 5
      i32.const -1073741824
      i32.xor
      i64.load16_s
      f64.convert_i64_u
      i64.trunc_sat_f64_u
      local.get 0
      i64.trunc_f32_s
      ref.null extern
      v128.const i32x4 0xa5e742dd 0xb3932785 0xcd08c00f 0x9acba0f4
      f64x2.sqrt
      local.tee 2
      v128.const i32x4 0x00000000 0x7ff80000 0x00000000 0x7ff80000
      local.get 2
      local.get 2
      f64x2.eq
      v128.bitselect
      f64x2.ceil
      local.tee 3
      v128.const i32x4 0x00000000 0x7ff80000 0x00000000 0x7ff80000
      local.get 3
      local.get 3
      f64x2.eq
      v128.bitselect
      i16x8.extadd_pairwise_i8x16_s
      i64x2.extend_high_i32x4_s
      i16x8.extend_high_i8x16_u
      f32x4.demote_f64x2_zero
      i32x4.trunc_sat_f64x2_u_zero
      v128.const i32x4 0xbe998a2c 0x3d13695d 0x687b45d4 0xb6419c14
      i8x16.narrow_i16x8_u
      i8x16.bitmask
      i32.eqz
      v128.load align=8
      i8x16.extract_lane_s 15
      i32.popcnt
      v128.load8x8_u align=1
      v128.not
      i8x16.popcnt
      i16x8.extract_lane_u 2
      call 5
      global.get 6
      v128.xor
      global.set 6
      global.get 3
      i32.xor
      global.set 3
      drop
      global.get 4
      i64.xor
      global.set 4
      global.get 4
      i64.xor
      global.set 4
      drop
      v128.const i32x4 0x2d577980 0x0669fb40 0x2eebaa65 0x0ba6e3c4
    end
    global.get 6
    v128.xor
    global.set 6
    i32.reinterpret_f32
    global.get 5
    i32.xor
    global.set 5
    global.get 3
    i32.xor
    global.set 3
    v128.const i32x4 0xaa3dc8ce 0x511d0b55 0xa5cb613d 0xf99de5a9
  )
)
