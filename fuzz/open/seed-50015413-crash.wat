(module
  (type (;0;) (func (param externref f64 i64 v128 funcref externref i32 f64 f32 f32 f64 f32 f32 v128 f32 f32 funcref) (result f64 f64)))
  (type (;1;) (func (param funcref f64)))
  (memory (;0;) 1 2)
  (global (;0;) (mut v128) v128.const i32x4 0x8c2ba932 0x7624d344 0xaed9b91e 0xac0c0ca1)
  (global (;1;) v128 v128.const i32x4 0x02392c53 0x38150e50 0x3945651c 0x0d4b6dce)
  (global (;2;) (mut i64) i64.const 0)
  (global (;3;) (mut v128) v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
  (global (;4;) (mut i32) i32.const 0)
  (global (;5;) (mut i64) i64.const 0)
  (global (;6;) (mut i32) i32.const 0)
  (global (;7;) (mut i32) i32.const 1000)
  (export "yi" (func 0))
  (export "" (func 1))
  (export "2" (func 2))
  (export "3" (func 3))
  (export "4" (func 4))
  (export "5" (func 5))
  (export "6" (func 6))
  (export "7" (func 7))
  (export "8" (func 8))
  (export "9" (func 9))
  (export "10" (func 10))
  (export "11" (memory 0))
  (export "12" (global 0))
  (export "13" (global 1))
  (export "14" (global 2))
  (export "F\u{b}\u{5b5}" (global 3))
  (export "\u{1a}\u{6}9" (global 4))
  (export "c" (global 5))
  (export "\u{22}B" (global 6))
  (export "__fuel" (global 7))
  (elem (;0;) declare externref)
  (func (;0;) (type 1) (param funcref f64)
    (local externref f64 i32 i64)
    global.get 7
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 7
    i32.const 1
    i32.sub
    global.set 7
    f64.const 0x1p-767 (;=0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000012882297539194267;)
    local.tee 3
    local.get 3
    f64.ne
    local.get 3
    f64.const inf (;=inf;)
    f64.eq
    local.get 3
    f64.const -inf (;=-inf;)
    f64.eq
    i32.or
    i32.or
    if ;; label = @1
      f64.const 0x0p+0 (;=0;)
      local.set 3
    end
    local.get 3
    f64.const -0x1p+31 (;=-2147483648;)
    f64.lt
    if ;; label = @1
      f64.const -0x1p+31 (;=-2147483648;)
      local.set 3
    end
    local.get 3
    f64.const 0x1.fffffffcp+30 (;=2147483647;)
    f64.gt
    if ;; label = @1
      f64.const 0x1.fffffffcp+30 (;=2147483647;)
      local.set 3
    end
    local.get 3
    i32.trunc_f64_s
    local.set 4
    block ;; label = @1
      block ;; label = @2
        memory.size
        i32.const 65536
        i32.mul
        i32.const 2147483639
        local.get 4
        i32.add
        i32.le_u
        br_if 0 (;@2;)
        local.get 4
        i32.const 0
        i32.le_s
        br_if 0 (;@2;)
        local.get 4
        i64.load offset=2147483631
        local.set 5
        br 1 (;@1;)
      end
      i64.const 0
      local.set 5
    end
    local.get 5
    nop
    f32.convert_i64_u
    block ;; label = @1
      v128.const i32x4 0x7273326e 0xc3889a00 0xfc9a1822 0x85284176
      global.get 1
      loop (result i64) ;; label = @2
        global.get 7
        i32.eqz
        if ;; label = @3
          unreachable
        end
        global.get 7
        i32.const 1
        i32.sub
        global.set 7
        i64.const -281474976710657
        i64.ctz
        block ;; label = @3
        end
      end
      global.get 2
      i64.xor
      global.set 2
      global.get 3
      v128.xor
      global.set 3
      global.get 3
      v128.xor
      global.set 3
    end
    i32.reinterpret_f32
    global.get 4
    i32.xor
    global.set 4
  )
  (func (;1;) (type 0) (param externref f64 i64 v128 funcref externref i32 f64 f32 f32 f64 f32 f32 v128 f32 f32 funcref) (result f64 f64)
    (local f32 i64 f64 funcref i64 v128 i32 i32 i64 f64 f64)
    global.get 7
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 7
    i32.const 1
    i32.sub
    global.set 7
    i64.const -5591572238842604240
    i64.extend32_s
    local.tee 2
    global.get 1
    local.tee 22
    memory.size
    local.set 24
    block ;; label = @1
      block ;; label = @2
        memory.size
        i32.const 65536
        i32.mul
        i32.const 7070
        local.get 24
        i32.add
        i32.le_u
        br_if 0 (;@2;)
        local.get 24
        i32.const 0
        i32.le_s
        br_if 0 (;@2;)
        local.get 24
        i64.load offset=7062 align=4
        local.set 25
        br 1 (;@1;)
      end
      i64.const 0
      local.set 25
    end
    local.get 25
    i64.popcnt
    data.drop 1
    i64.extend32_s
    f64.convert_i64_u
    local.get 7
    f64.trunc
    local.tee 26
    f64.const nan (;=NaN;)
    local.get 26
    local.get 26
    f64.eq
    select
    f64.gt
    loop (result v128) ;; label = @1
      global.get 7
      i32.eqz
      if ;; label = @2
        unreachable
      end
      global.get 7
      i32.const 1
      i32.sub
      global.set 7
      f64.const 0x1.2b659ee29abdep+38 (;=321475033254.6854;)
      v128.const i32x4 0xdc0fc0ff 0x0d2623e5 0xdc8a8145 0xfc44a472
      f64.const 0x1.fep-1044 (;=0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000010568533725;)
      local.tee 27
      local.get 27
      f64.ne
      local.get 27
      f64.const inf (;=inf;)
      f64.eq
      local.get 27
      f64.const -inf (;=-inf;)
      f64.eq
      i32.or
      i32.or
      if ;; label = @2
        f64.const 0x0p+0 (;=0;)
        local.set 27
      end
      local.get 27
      f64.const -0x1.fffffffffffffp+62 (;=-9223372036854775000;)
      f64.lt
      if ;; label = @2
        f64.const -0x1.fffffffffffffp+62 (;=-9223372036854775000;)
        local.set 27
      end
      local.get 27
      f64.const 0x1.fffffffffffffp+62 (;=9223372036854775000;)
      f64.gt
      if ;; label = @2
        f64.const 0x1.fffffffffffffp+62 (;=9223372036854775000;)
        local.set 27
      end
      local.get 27
      i64.trunc_f64_s
      global.get 2
      i64.xor
      global.set 2
      global.get 3
      v128.xor
      global.set 3
      i64.reinterpret_f64
      global.get 5
      i64.xor
      global.set 5
      v128.const i32x4 0x00000000 0xff800000 0xffffffff 0x003fffff
    end
    global.get 3
    v128.xor
    global.set 3
    global.get 6
    i32.xor
    global.set 6
    global.get 3
    v128.xor
    global.set 3
    global.get 2
    i64.xor
    global.set 2
    f64.const -0x1.fffffffffffffp+768 (;=-3105036184601417500000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000;)
    f64.const -0x1.30218c68ebfa4p+477 (;=-463584306881038400000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000;)
  )
  (func (;2;) (type 0) (param externref f64 i64 v128 funcref externref i32 f64 f32 f32 f64 f32 f32 v128 f32 f32 funcref) (result f64 f64)
    (local v128 i32 i64 i32 i32)
    global.get 7
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 7
    i32.const 1
    i32.sub
    global.set 7
    data.drop 1
    i64.const 512
    memory.size
    block ;; label = @1
      data.drop 0
      global.get 0
      local.set 13
    end
    data.drop 1
    f32.convert_i32_s
    i32.trunc_sat_f32_s
    f64.const -0x1.46f958db1de7ap-975 (;=-0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000003999700741965201;)
    f64.neg
    nop
    i32.trunc_sat_f64_s
    local.set 18
    block ;; label = @1
      block ;; label = @2
        memory.size
        i32.const 65536
        i32.mul
        i32.const 48292
        local.get 18
        i32.add
        i32.le_u
        br_if 0 (;@2;)
        local.get 18
        i32.const 0
        i32.le_s
        br_if 0 (;@2;)
        local.get 18
        i64.load32_u offset=48284 align=1
        local.set 19
        br 1 (;@1;)
      end
      i64.const 0
      local.set 19
    end
    local.get 19
    i64.popcnt
    f64.const 0x1.b7a0027a69746p+463 (;=40900672211591866000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000;)
    i64.trunc_sat_f64_u
    v128.const i32x4 0x08e92352 0x2c9468c5 0x1c1c9239 0x85c4834f
    local.set 13
    i64.xor
    global.get 0
    local.get 0
    local.get 13
    i64.const 4194304
    ref.null func
    local.set 4
    block (result i64) ;; label = @1
      nop
      i32.const -1362046146
      local.set 20
      block ;; label = @2
        block ;; label = @3
          memory.size
          i32.const 65536
          i32.mul
          i32.const 20641
          local.get 20
          i32.add
          i32.le_u
          br_if 0 (;@3;)
          local.get 20
          i32.const 0
          i32.le_s
          br_if 0 (;@3;)
          local.get 20
          i32.load offset=20637 align=2
          local.set 21
          br 1 (;@2;)
        end
        i32.const 0
        local.set 21
      end
      local.get 21
      global.get 6
      i32.xor
      global.set 6
      i64.const 6923082273861535481
    end
    global.get 2
    i64.xor
    global.set 2
    global.get 2
    i64.xor
    global.set 2
    global.get 3
    v128.xor
    global.set 3
    drop
    drop
    global.get 2
    i64.xor
    global.set 2
    global.get 6
    i32.xor
    global.set 6
    global.get 2
    i64.xor
    global.set 2
    f64.const 0x1.0004p-1057 (;=0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000064762;)
    f64.const 0x1.ap-1045 (;=0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000431030395;)
  )
  (func (;3;) (type 0) (param externref f64 i64 v128 funcref externref i32 f64 f32 f32 f64 f32 f32 v128 f32 f32 funcref) (result f64 f64)
    global.get 7
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 7
    i32.const 1
    i32.sub
    global.set 7
    f64.const 0x1.p-1029 (;=0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000173833895195875;)
    f64.const nan:0xfffffffffffff (;=NaN;)
  )
  (func (;4;) (type 1) (param funcref f64)
    (local v128 f64 f64 f64 i32 i64 f32)
    global.get 7
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 7
    i32.const 1
    i32.sub
    global.set 7
    local.get 0
    local.tee 0
    i64.const 2147483648
    i64.eqz
    memory.size
    i32.ge_s
    global.get 0
    data.drop 0
    elem.drop 0
    br 0
    global.set 0
    f64.convert_i32_u
    f64.ceil
    local.tee 3
    f64.const nan (;=NaN;)
    local.get 3
    local.get 3
    f64.eq
    select
    f64.ceil
    local.tee 4
    f64.const nan (;=NaN;)
    local.get 4
    local.get 4
    f64.eq
    select
    f64.floor
    local.tee 5
    f64.const nan (;=NaN;)
    local.get 5
    local.get 5
    f64.eq
    select
    f64.neg
    i64.reinterpret_f64
    ref.null func
    memory.size
    i32.eqz
    local.set 6
    block ;; label = @1
      block ;; label = @2
        memory.size
        i32.const 65536
        i32.mul
        i32.const 34243
        local.get 6
        i32.add
        i32.le_u
        br_if 0 (;@2;)
        local.get 6
        i32.const 0
        i32.le_s
        br_if 0 (;@2;)
        local.get 6
        i64.load8_u offset=34235
        local.set 7
        br 1 (;@1;)
      end
      i64.const 0
      local.set 7
    end
    local.get 7
    i64.eqz
    f32.convert_i32_s
    elem.drop 0
    local.tee 8
    local.get 8
    f32.ne
    local.get 8
    f32.const inf (;=inf;)
    f32.eq
    local.get 8
    f32.const -inf (;=-inf;)
    f32.eq
    i32.or
    i32.or
    if ;; label = @1
      f32.const 0x0p+0 (;=0;)
      local.set 8
    end
    local.get 8
    f32.const -0x1.fffffep+30 (;=-2147483500;)
    f32.lt
    if ;; label = @1
      f32.const -0x1.fffffep+30 (;=-2147483500;)
      local.set 8
    end
    local.get 8
    f32.const 0x1.fffffep+30 (;=2147483500;)
    f32.gt
    if ;; label = @1
      f32.const 0x1.fffffep+30 (;=2147483500;)
      local.set 8
    end
    local.get 8
    i32.trunc_f32_s
    global.get 6
    i32.xor
    global.set 6
    drop
    global.get 2
    i64.xor
    global.set 2
    drop
  )
  (func (;5;) (type 1) (param funcref f64)
    (local f64 i64 f32 v128 f32 i32 f64 f64)
    global.get 7
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 7
    i32.const 1
    i32.sub
    global.set 7
    v128.const i32x4 0xc87fd828 0xfdb5bcc0 0xc59171ea 0x4cf9fcb0
    loop ;; label = @1
      global.get 7
      i32.eqz
      if ;; label = @2
        unreachable
      end
      global.get 7
      i32.const 1
      i32.sub
      global.set 7
      ref.null extern
      br 1
      f64.const -0x1.7884243089958p+229 (;=-1268857007110820100000000000000000000000000000000000000000000000000000;)
      block ;; label = @2
        data.drop 0
        loop (result f32) ;; label = @3
          global.get 7
          i32.eqz
          if ;; label = @4
            unreachable
          end
          global.get 7
          i32.const 1
          i32.sub
          global.set 7
          nop
          br 0 (;@3;)
          elem.drop 0
          loop (result i64) ;; label = @4
            global.get 7
            i32.eqz
            if ;; label = @5
              unreachable
            end
            global.get 7
            i32.const 1
            i32.sub
            global.set 7
            global.get 1
            loop (result f32) ;; label = @5
              global.get 7
              i32.eqz
              if ;; label = @6
                unreachable
              end
              global.get 7
              i32.const 1
              i32.sub
              global.set 7
              memory.size
              br 2 (;@3;)
              v128.const i32x4 0x9a9bb159 0x2c6bfd6c 0x40c0f741 0x274fc818
              local.set 5
              i64.extend_i32_u
              f64.convert_i64_s
              f32.const -0x1.6957f2p-58 (;=-0.000000000000000004897118;)
              i64.trunc_sat_f32_s
              br 2 (;@3;)
              i64.const 882358270349139719
              i64.extend16_s
              memory.size
              if (result i64) ;; label = @6
                memory.size
                local.set 7
                block ;; label = @7
                  block ;; label = @8
                    memory.size
                    i32.const 65536
                    i32.mul
                    i32.const 39071
                    local.get 7
                    i32.add
                    i32.le_u
                    br_if 0 (;@8;)
                    local.get 7
                    i32.const 0
                    i32.le_s
                    br_if 0 (;@8;)
                    local.get 7
                    f64.load offset=39063 align=2
                    local.set 8
                    br 1 (;@7;)
                  end
                  f64.const 0x0p+0 (;=0;)
                  local.set 8
                end
                local.get 8
                local.get 0
                v128.const i32x4 0x7931921b 0x9c60a85a 0xfc7d1406 0x76a9f7ad
                i64.const 65537
                data.drop 0
                f64.convert_i64_s
                v128.const i32x4 0xdcb528c3 0x54e48380 0xed5d4ce4 0xb2890535
                elem.drop 0
                block ;; label = @7
                  f64.const 0x1.p-1064 (;=0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000506;)
                  loop (result i64) ;; label = @8
                    global.get 7
                    i32.eqz
                    if ;; label = @9
                      unreachable
                    end
                    global.get 7
                    i32.const 1
                    i32.sub
                    global.set 7
                    f64.const 0x1.p-1060 (;=0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000008095;)
                    f64.trunc
                    local.tee 9
                    f64.const nan (;=NaN;)
                    local.get 9
                    local.get 9
                    f64.eq
                    select
                    i64.reinterpret_f64
                    global.get 5
                    i64.xor
                    global.set 5
                    i64.const -2049
                  end
                  global.get 2
                  i64.xor
                  global.set 2
                  i64.reinterpret_f64
                  global.get 5
                  i64.xor
                  global.set 5
                end
                global.get 3
                v128.xor
                global.set 3
                i64.reinterpret_f64
                global.get 5
                i64.xor
                global.set 5
                global.get 3
                v128.xor
                global.set 3
                drop
                i64.reinterpret_f64
                global.get 5
                i64.xor
                global.set 5
                i64.const -3231355955856291939
              else
                i64.const 33554432
              end
              global.get 2
              i64.xor
              global.set 2
              global.get 2
              i64.xor
              global.set 2
              global.get 2
              i64.xor
              global.set 2
              i64.reinterpret_f64
              global.get 5
              i64.xor
              global.set 5
              f32.const 0x1.p-127 (;=0.000000000000000000000000000000000000005877472;)
            end
            i32.reinterpret_f32
            global.get 4
            i32.xor
            global.set 4
            global.get 3
            v128.xor
            global.set 3
            i64.const 0
          end
          global.get 2
          i64.xor
          global.set 2
          f32.const 0x1.001p-133 (;=0.000000000000000000000000000000000000000091858;)
        end
        i32.reinterpret_f32
        global.get 4
        i32.xor
        global.set 4
      end
      i64.reinterpret_f64
      global.get 5
      i64.xor
      global.set 5
      drop
    end
    global.get 3
    v128.xor
    global.set 3
  )
  (func (;6;) (type 1) (param funcref f64)
    (local f64 i32 i32 i32 i32)
    global.get 7
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 7
    i32.const 1
    i32.sub
    global.set 7
    br 0
    global.get 0
    ref.null extern
    f64.const 0x1.5c73f642daac2p-143 (;=0.00000000000000000000000000000000000000000012207165517860728;)
    local.tee 2
    local.get 2
    f64.ne
    local.get 2
    f64.const inf (;=inf;)
    f64.eq
    local.get 2
    f64.const -inf (;=-inf;)
    f64.eq
    i32.or
    i32.or
    if ;; label = @1
      f64.const 0x0p+0 (;=0;)
      local.set 2
    end
    local.get 2
    f64.const -0x1p+31 (;=-2147483648;)
    f64.lt
    if ;; label = @1
      f64.const -0x1p+31 (;=-2147483648;)
      local.set 2
    end
    local.get 2
    f64.const 0x1.fffffffcp+30 (;=2147483647;)
    f64.gt
    if ;; label = @1
      f64.const 0x1.fffffffcp+30 (;=2147483647;)
      local.set 2
    end
    local.get 2
    i32.trunc_f64_s
    local.set 3
    block ;; label = @1
      block ;; label = @2
        memory.size
        i32.const 65536
        i32.mul
        i32.const 1668002153
        local.get 3
        i32.add
        i32.le_u
        br_if 0 (;@2;)
        local.get 3
        i32.const 0
        i32.le_s
        br_if 0 (;@2;)
        local.get 3
        i32.load16_s offset=1668002149
        local.set 4
        br 1 (;@1;)
      end
      i32.const 0
      local.set 4
    end
    local.get 4
    local.set 5
    block ;; label = @1
      block ;; label = @2
        memory.size
        i32.const 65536
        i32.mul
        i32.const 46164
        local.get 5
        i32.add
        i32.le_u
        br_if 0 (;@2;)
        local.get 5
        i32.const 0
        i32.le_s
        br_if 0 (;@2;)
        local.get 5
        i32.load16_s offset=46160
        local.set 6
        br 1 (;@1;)
      end
      i32.const 0
      local.set 6
    end
    local.get 6
    global.get 6
    i32.xor
    global.set 6
    drop
    global.get 3
    v128.xor
    global.set 3
  )
  (func (;7;) (type 1) (param funcref f64)
    (local i32 i64 f64 f64)
    global.get 7
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 7
    i32.const 1
    i32.sub
    global.set 7
    block (result v128) ;; label = @1
      loop ;; label = @2
        global.get 7
        i32.eqz
        if ;; label = @3
          unreachable
        end
        global.get 7
        i32.const 1
        i32.sub
        global.set 7
        block ;; label = @3
        end
        f32.const -0x1.85fd8p-89 (;=-0.0000000000000000000000000024611844;)
        data.drop 1
        memory.size
        local.set 2
        block ;; label = @3
          block ;; label = @4
            memory.size
            i32.const 65536
            i32.mul
            i32.const 59557
            local.get 2
            i32.add
            i32.le_u
            br_if 0 (;@4;)
            local.get 2
            i32.const 0
            i32.le_s
            br_if 0 (;@4;)
            local.get 2
            i64.load16_s offset=59549
            local.set 3
            br 1 (;@3;)
          end
          i64.const 0
          local.set 3
        end
        local.get 3
        f64.reinterpret_i64
        f64.neg
        i64.reinterpret_f64
        br 2
        block (result i32) ;; label = @3
          loop ;; label = @4
            global.get 7
            i32.eqz
            if ;; label = @5
              unreachable
            end
            global.get 7
            i32.const 1
            i32.sub
            global.set 7
            ref.null extern
            br 0 (;@4;)
            memory.size
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
              ref.null func
              i64.const -1415801530639575472
              local.get 1
              local.get 1
              f64.add
              local.tee 4
              f64.const nan (;=NaN;)
              local.get 4
              local.get 4
              f64.eq
              select
              f64.trunc
              local.tee 5
              f64.const nan (;=NaN;)
              local.get 5
              local.get 5
              f64.eq
              select
              loop ;; label = @6
                global.get 7
                i32.eqz
                if ;; label = @7
                  unreachable
                end
                global.get 7
                i32.const 1
                i32.sub
                global.set 7
                ref.null extern
                loop ;; label = @7
                  global.get 7
                  i32.eqz
                  if ;; label = @8
                    unreachable
                  end
                  global.get 7
                  i32.const 1
                  i32.sub
                  global.set 7
                  ref.null extern
                  global.get 1
                  global.set 0
                  i64.const -549755813889
                  global.get 2
                  i64.xor
                  global.set 2
                  drop
                end
                drop
              end
              i64.reinterpret_f64
              global.get 5
              i64.xor
              global.set 5
              global.get 2
              i64.xor
              global.set 2
            end
            drop
            global.get 6
            i32.xor
            global.set 6
            drop
          end
          i32.const 1331082171
        end
        global.get 6
        i32.xor
        global.set 6
        global.get 2
        i64.xor
        global.set 2
        i32.reinterpret_f32
        global.get 4
        i32.xor
        global.set 4
      end
      v128.const i32x4 0x11111111 0x11111111 0x00000000 0x00100000
    end
    global.get 3
    v128.xor
    global.set 3
  )
  (func (;8;) (type 1) (param funcref f64)
    (local f32 i32 i64)
    global.get 7
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 7
    i32.const 1
    i32.sub
    global.set 7
    f64.const 0x1.0763517021034p+28 (;=276182295.00805974;)
    f32.const -0x1.c907e6p+97 (;=-282888400000000000000000000000;)
    f64.promote_f32
    f64.le
    f64.const 0x1.568cb13fd994p+523 (;=36742711759299520000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000;)
    f32.const 0x1.0002p-132 (;=0.000000000000000000000000000000000000000183677;)
    local.tee 2
    local.get 2
    f32.ne
    local.get 2
    f32.const inf (;=inf;)
    f32.eq
    local.get 2
    f32.const -inf (;=-inf;)
    f32.eq
    i32.or
    i32.or
    if ;; label = @1
      f32.const 0x0p+0 (;=0;)
      local.set 2
    end
    local.get 2
    f32.const -0x1p+63 (;=-9223372000000000000;)
    f32.lt
    if ;; label = @1
      f32.const -0x1p+63 (;=-9223372000000000000;)
      local.set 2
    end
    local.get 2
    f32.const 0x1.fffffep+62 (;=9223371500000000000;)
    f32.gt
    if ;; label = @1
      f32.const 0x1.fffffep+62 (;=9223371500000000000;)
      local.set 2
    end
    local.get 2
    i64.trunc_f32_s
    br 0
    br 0
    br 0
    f32.convert_i64_u
    f64.const -0x1.427c800eeeeb8p+844 (;=-147770479866959200000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000;)
    i32.trunc_sat_f64_u
    local.set 3
    block ;; label = @1
      block ;; label = @2
        memory.size
        i32.const 65536
        i32.mul
        i32.const 8781
        local.get 3
        i32.add
        i32.le_u
        br_if 0 (;@2;)
        local.get 3
        i32.const 0
        i32.le_s
        br_if 0 (;@2;)
        local.get 3
        i64.load8_u offset=8773
        local.set 4
        br 1 (;@1;)
      end
      i64.const 0
      local.set 4
    end
    local.get 4
    global.get 2
    i64.xor
    global.set 2
    i32.reinterpret_f32
    global.get 4
    i32.xor
    global.set 4
    i64.reinterpret_f64
    global.get 5
    i64.xor
    global.set 5
    global.get 6
    i32.xor
    global.set 6
  )
  (func (;9;) (type 1) (param funcref f64)
    (local i32 i64 i32 i32)
    global.get 7
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 7
    i32.const 1
    i32.sub
    global.set 7
    local.get 0
    local.tee 0
    local.tee 0
    block (result f32) ;; label = @1
      f64.const 0x1.ffff8p-1057 (;=0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000129516;)
      local.set 1
      return
      memory.size
      local.set 2
      block ;; label = @2
        block ;; label = @3
          memory.size
          i32.const 65536
          i32.mul
          i32.const 31365
          local.get 2
          i32.add
          i32.le_u
          br_if 0 (;@3;)
          local.get 2
          i32.const 0
          i32.le_s
          br_if 0 (;@3;)
          local.get 2
          i64.load8_s offset=31357
          local.set 3
          br 1 (;@2;)
        end
        i64.const 0
        local.set 3
      end
      local.get 3
      f64.reinterpret_i64
      i64.reinterpret_f64
      f64.const 0x1.8ce2ad5dab28dp+161 (;=4531630831920689000000000000000000000000000000000;)
      i32.trunc_sat_f64_s
      local.set 4
      block ;; label = @2
        block ;; label = @3
          memory.size
          i32.const 65536
          i32.mul
          i32.const 25193
          local.get 4
          i32.add
          i32.le_u
          br_if 0 (;@3;)
          local.get 4
          i32.const 0
          i32.le_s
          br_if 0 (;@3;)
          local.get 4
          i32.load8_s offset=25189
          local.set 5
          br 1 (;@2;)
        end
        i32.const 0
        local.set 5
      end
      local.get 5
      f32.convert_i32_u
      f32.const 0x1.eb5064p+5 (;=61.414253;)
      f32.abs
      f32.le
      ref.null extern
      data.drop 1
      drop
      global.get 6
      i32.xor
      global.set 6
      global.get 2
      i64.xor
      global.set 2
      f32.const 0x1.fffcp-133 (;=0.000000000000000000000000000000000000000183665;)
    end
    i32.reinterpret_f32
    global.get 4
    i32.xor
    global.set 4
    drop
  )
  (func (;10;) (type 0) (param externref f64 i64 v128 funcref externref i32 f64 f32 f32 f64 f32 f32 v128 f32 f32 funcref) (result f64 f64)
    (local i64 i32 i32 f64 f64 f64)
    global.get 7
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 7
    i32.const 1
    i32.sub
    global.set 7
    data.drop 0
    ref.null func
    ref.null func
    f64.const 0x1.fffep-1058 (;=0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000064757;)
    i32.trunc_sat_f64_s
    loop ;; label = @1
      global.get 7
      i32.eqz
      if ;; label = @2
        unreachable
      end
      global.get 7
      i32.const 1
      i32.sub
      global.set 7
    end
    global.get 0
    memory.size
    local.set 18
    block ;; label = @1
      block ;; label = @2
        memory.size
        i32.const 65536
        i32.mul
        i32.const 1195
        local.get 18
        i32.add
        i32.le_u
        br_if 0 (;@2;)
        local.get 18
        i32.const 0
        i32.le_s
        br_if 0 (;@2;)
        local.get 18
        i32.load offset=1191
        local.set 19
        br 1 (;@1;)
      end
      i32.const 0
      local.set 19
    end
    local.get 19
    i64.extend_i32_u
    f32.const -0x1.d0fb24p-56 (;=-0.000000000000000025206671;)
    elem.drop 0
    f32.neg
    data.drop 1
    local.get 1
    f64.floor
    local.tee 20
    f64.const nan (;=NaN;)
    local.get 20
    local.get 20
    f64.eq
    select
    f64.abs
    f64.const 0x1.p-1058 (;=0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000032379;)
    f64.sqrt
    local.tee 21
    f64.const nan (;=NaN;)
    local.get 21
    local.get 21
    f64.eq
    select
    i64.trunc_sat_f64_u
    i64.const 3617949263180167466
    f64.reinterpret_i64
    local.tee 22
    local.get 22
    f64.ne
    local.get 22
    f64.const inf (;=inf;)
    f64.eq
    local.get 22
    f64.const -inf (;=-inf;)
    f64.eq
    i32.or
    i32.or
    if ;; label = @1
      f64.const 0x0p+0 (;=0;)
      local.set 22
    end
    local.get 22
    f64.const 0x0p+0 (;=0;)
    f64.lt
    if ;; label = @1
      f64.const 0x0p+0 (;=0;)
      local.set 22
    end
    local.get 22
    f64.const 0x1.fffffffcp+30 (;=2147483647;)
    f64.gt
    if ;; label = @1
      f64.const 0x1.fffffffcp+30 (;=2147483647;)
      local.set 22
    end
    local.get 22
    i32.trunc_f64_u
    global.get 6
    i32.xor
    global.set 6
    global.get 2
    i64.xor
    global.set 2
    i64.reinterpret_f64
    global.get 5
    i64.xor
    global.set 5
    i32.reinterpret_f32
    global.get 4
    i32.xor
    global.set 4
    global.get 2
    i64.xor
    global.set 2
    global.get 3
    v128.xor
    global.set 3
    global.get 6
    i32.xor
    global.set 6
    drop
    drop
    f64.const 0x1.p-1056 (;=0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001295163;)
    f64.const -nan:0xffffffffffff0 (;=NaN;)
  )
  (data (;0;) (i32.const 579) "")
  (data (;1;) (i32.const 14) "")
)
