(module
  (type (;0;) (func (result externref)))
  (type (;1;) (func (param i64 f64 i64)))
  (type (;2;) (func (param i32 funcref)))
  (table (;0;) 0 externref)
  (table (;1;) 10 funcref)
  (global (;0;) funcref ref.func 0)
  (global (;1;) (mut i64) i64.const 0)
  (global (;2;) (mut i64) i64.const 0)
  (global (;3;) (mut i32) i32.const 0)
  (global (;4;) (mut v128) v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
  (global (;5;) (mut i32) i32.const 0)
  (global (;6;) (mut i32) i32.const 1000)
  (export "'N\u{a}" (func 0))
  (export "" (func 1))
  (export "2" (func 2))
  (export "3" (func 3))
  (export "4" (table 0))
  (export "5" (table 1))
  (export "6" (global 0))
  (export "X" (global 1))
  (export "\u{17}9Wb[" (global 2))
  (export "a`\u{3}" (global 3))
  (export "10" (global 4))
  (export "11" (global 5))
  (export "__fuel" (global 6))
  (elem (;0;) (table 1) (i32.const 8) funcref)
  (elem (;1;) declare externref)
  (func (;0;) (type 2) (param i32 funcref)
    (local i32 v128)
    global.get 6
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 6
    i32.const 1
    i32.sub
    global.set 6
    ref.func 0
    local.tee 1
    i64.const 755245216703961367
    i64.eqz
    f32.const -0x1.ff51c8p+95 (;=-79122854000000000000000000000;)
    i64.trunc_sat_f32_s
    f64.const -0x1p+1017 (;=-1404447761611184300000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000;)
    i64.trunc_sat_f64_s
    i64.rem_s
    i64.eqz
    i32.shr_s
    f32.reinterpret_i32
    f64.const 0x1.a0e945ceff72cp-409 (;=0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000012317863657957767;)
    loop ;; label = @1
      global.get 6
      i32.eqz
      if ;; label = @2
        unreachable
      end
      global.get 6
      i32.const 1
      i32.sub
      global.set 6
      loop (type 0) (result externref) ;; label = @2
        global.get 6
        i32.eqz
        if ;; label = @3
          unreachable
        end
        global.get 6
        i32.const 1
        i32.sub
        global.set 6
        loop ;; label = @3
          global.get 6
          i32.eqz
          if ;; label = @4
            unreachable
          end
          global.get 6
          i32.const 1
          i32.sub
          global.set 6
          table.size 1
          f64.convert_i32_u
          v128.const i32x4 0x9a4b984d 0x4d7ee2f2 0xd48b2619 0xf202cbf0
          i16x8.extend_low_i8x16_u
          v128.not
          f32x4.ceil
          local.tee 3
          v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
          local.get 3
          local.get 3
          f32x4.eq
          v128.bitselect
          i32x4.extend_low_i16x8_u
          i16x8.extract_lane_s 0
          local.set 0
          i32.trunc_f64_u
          i64.extend_i32_u
          loop ;; label = @4
            global.get 6
            i32.eqz
            if ;; label = @5
              unreachable
            end
            global.get 6
            i32.const 1
            i32.sub
            global.set 6
            global.get 0
            local.set 1
            elem.drop 0
            i64.const -34359738369
            loop (type 0) (result externref) ;; label = @5
              global.get 6
              i32.eqz
              if ;; label = @6
                unreachable
              end
              global.get 6
              i32.const 1
              i32.sub
              global.set 6
              i64.const 2139095039
              ref.null extern
              i32.const 4096
              ref.null func
              f64.const 0x1.8fd43896160b3p+26 (;=104812770.34509544;)
              i32.trunc_sat_f64_s
              table.grow 1
              i32.clz
              br_table 0 (;@5;) 1 (;@4;) 2 (;@3;) 3 (;@2;) 4 (;@1;) 5 5
              i64.extend_i32_s
              i64.popcnt
              ref.null extern
              elem.drop 1
              loop (result i64) ;; label = @6
                global.get 6
                i32.eqz
                if ;; label = @7
                  unreachable
                end
                global.get 6
                i32.const 1
                i32.sub
                global.set 6
                elem.drop 1
                i64.const 15
              end
              global.get 1
              i64.xor
              global.set 1
              drop
              global.get 1
              i64.xor
              global.set 1
              drop
              global.get 1
              i64.xor
              global.set 1
              ref.null extern
            end
            drop
            global.get 1
            i64.xor
            global.set 1
          end
          global.get 1
          i64.xor
          global.set 1
        end
        ref.null extern
      end
      drop
    end
    i64.reinterpret_f64
    global.get 2
    i64.xor
    global.set 2
    i32.reinterpret_f32
    global.get 3
    i32.xor
    global.set 3
    drop
  )
  (func (;1;) (type 2) (param i32 funcref)
    (local f32 v128 v128 v128)
    global.get 6
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 6
    i32.const 1
    i32.sub
    global.set 6
    br 0
    f32.const -0x1.66773ap-42 (;=-0.00000000000031838152;)
    f32.abs
    f32.trunc
    local.tee 2
    f32.const nan (;=NaN;)
    local.get 2
    local.get 2
    f32.eq
    select
    f32x4.splat
    i8x16.bitmask
    f64.const -0x1.01aed32c0020cp+297 (;=-256303397265970730000000000000000000000000000000000000000000000000000000000000000000000000;)
    i32.trunc_f64_s
    ref.func 0
    local.tee 1
    table.size 0
    if (type 2) (param i32 funcref) ;; label = @1
      global.get 0
      nop
      v128.const i32x4 0x93853b8b 0xbb4121af 0x1143244a 0x61164ac2
      f64x2.trunc
      local.tee 3
      v128.const i32x4 0x00000000 0x7ff80000 0x00000000 0x7ff80000
      local.get 3
      local.get 3
      f64x2.eq
      v128.bitselect
      i8x16.extract_lane_s 2
      local.get 1
      elem.drop 0
      f32.const -0x1.8d6752p-91 (;=-0.0000000000000000000000000006269923;)
      i64.const 5647926144581697280
      f64.convert_i64_u
      ref.null extern
      loop ;; label = @2
        global.get 6
        i32.eqz
        if ;; label = @3
          unreachable
        end
        global.get 6
        i32.const 1
        i32.sub
        global.set 6
        loop (type 0) (result externref) ;; label = @3
          global.get 6
          i32.eqz
          if ;; label = @4
            unreachable
          end
          global.get 6
          i32.const 1
          i32.sub
          global.set 6
          f64.const -0x1.56e38f11acdc2p-462 (;=-0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000011247486137801505;)
          f64x2.splat
          f64x2.nearest
          local.tee 4
          v128.const i32x4 0x00000000 0x7ff80000 0x00000000 0x7ff80000
          local.get 4
          local.get 4
          f64x2.eq
          v128.bitselect
          i32x4.trunc_sat_f64x2_u_zero
          i8x16.neg
          f32x4.trunc
          local.tee 5
          v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
          local.get 5
          local.get 5
          f32x4.eq
          v128.bitselect
          global.get 4
          v128.xor
          global.set 4
          ref.null extern
        end
        drop
      end
      drop
      i64.reinterpret_f64
      global.get 2
      i64.xor
      global.set 2
      i32.reinterpret_f32
      global.get 3
      i32.xor
      global.set 3
      drop
      global.get 5
      i32.xor
      global.set 5
      drop
      drop
      global.get 5
      i32.xor
      global.set 5
    else
      drop
      global.get 5
      i32.xor
      global.set 5
    end
    global.get 5
    i32.xor
    global.set 5
  )
  (func (;2;) (type 1) (param i64 f64 i64)
    (local f64)
    global.get 6
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 6
    i32.const 1
    i32.sub
    global.set 6
    local.get 0
    i64.clz
    table.size 0
    i32.clz
    ref.func 0
    global.get 0
    f32.const 0x1.fffcp-135 (;=0.000000000000000000000000000000000000000045916;)
    i64.trunc_f32_s
    f32.const -0x1.fcd414p+97 (;=-314949540000000000000000000000;)
    v128.const i32x4 0x1c464f8a 0x541bfb3f 0x22877177 0x7ccd43f4
    f64x2.convert_low_i32x4_s
    i32x4.extadd_pairwise_i16x8_u
    block (type 0) (result externref) ;; label = @1
      v128.const i32x4 0xf719066d 0xece3fbf5 0x8377abe2 0x1347236f
      global.get 0
      f64.const -0x1.c48c5f49804dap-1005 (;=-0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000005155601697245715;)
      f64.trunc
      local.tee 3
      f64.const nan (;=NaN;)
      local.get 3
      local.get 3
      f64.eq
      select
      ref.null func
      v128.const i32x4 0x2a1d5e6d 0xf7d4930b 0xb2281f7c 0x111c98e1
      global.get 0
      i64.const 2305843009213693952
      global.get 0
      ref.is_null
      i64.const 5995034457310102303
      ref.func 0
      local.get 2
      loop (type 0) (result externref) ;; label = @2
        global.get 6
        i32.eqz
        if ;; label = @3
          unreachable
        end
        global.get 6
        i32.const 1
        i32.sub
        global.set 6
        f32.const -0x1.291fd4p-30 (;=-0.000000001080932;)
        table.size 1
        i32.const -1397733719
        i32.rem_u
        global.get 5
        i32.xor
        global.set 5
        i32.reinterpret_f32
        global.get 3
        i32.xor
        global.set 3
        ref.null extern
      end
      drop
      global.get 1
      i64.xor
      global.set 1
      drop
      global.get 1
      i64.xor
      global.set 1
      global.get 5
      i32.xor
      global.set 5
      global.get 1
      i64.xor
      global.set 1
      drop
      global.get 4
      v128.xor
      global.set 4
      drop
      i64.reinterpret_f64
      global.get 2
      i64.xor
      global.set 2
      drop
      global.get 4
      v128.xor
      global.set 4
      ref.null extern
    end
    drop
    global.get 4
    v128.xor
    global.set 4
    i32.reinterpret_f32
    global.get 3
    i32.xor
    global.set 3
    global.get 1
    i64.xor
    global.set 1
    drop
    drop
    global.get 5
    i32.xor
    global.set 5
    global.get 1
    i64.xor
    global.set 1
  )
  (func (;3;) (type 2) (param i32 funcref)
    (local funcref)
    global.get 6
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 6
    i32.const 1
    i32.sub
    global.set 6
    f64.const 0x1.p-1064 (;=0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000506;)
    table.size 1
    i64.const -536870912
    local.get 0
    br_table 0 0
    block ;; label = @1
      ref.func 0
      loop (result i32) ;; label = @2
        global.get 6
        i32.eqz
        if ;; label = @3
          unreachable
        end
        global.get 6
        i32.const 1
        i32.sub
        global.set 6
        i32.const 1095704818
        i32.eqz
      end
      global.get 5
      i32.xor
      global.set 5
      drop
    end
    global.get 1
    i64.xor
    global.set 1
    global.get 5
    i32.xor
    global.set 5
    i64.reinterpret_f64
    global.get 2
    i64.xor
    global.set 2
  )
)
