;; seed: 1
;; The module of `fuzz-diff --gen loops --seed 1` (2026-11-30): a guard-page trap in a loop
;; inlined into its array entry. The register allocator had spilled `vmctx` (live across the
;; entry's setjmp) to a stack slot that it reused inside the loop, since it does not see the
;; longjmp edge; after the trap the entry read a clobbered `vmctx` and the process crashed.
;; The entry now reads only volatile stack slots after a longjmp (translate/module.rs).
(module
  (type (;0;) (func (param i32) (result i32)))
  (type (;1;) (func (param i32 i32 i32) (result i64)))
  (memory (;0;) 1 4)
  (export "mem" (memory 0))
  (export "grow" (func 0))
  (export "k0" (func 1))
  (export "k1" (func 2))
  (export "k2" (func 3))
  (export "k3" (func 4))
  (func (;0;) (type 0) (param i32) (result i32)
    local.get 0
    i32.const 1
    i32.and
    memory.grow
  )
  (func (;1;) (type 1) (param $p i32) (param $n i32) (param $q i32) (result i64)
    (local $j i32) (local $lim i32) (local $s i64) (local $t i32)
    local.get $n
    i32.const 1020
    i32.and
    local.set $lim
    local.get $lim
    i32.eqz
    if ;; label = @1
      i64.const -1
      return
    end
    block $out
      loop $l
        local.get $p
        local.get $j
        i32.const 0
        i32.add
        i32.const 12
        i32.mul
        i32.add
        local.get $q
        local.get $j
        i32.const 0
        i32.add
        i32.const 8
        i32.mul
        i32.add
        i32.load8_u
        i32.store8
        local.get $p
        local.get $j
        i32.const 1
        i32.add
        i32.const 12
        i32.mul
        i32.add
        local.get $q
        local.get $j
        i32.const 1
        i32.add
        i32.const 8
        i32.mul
        i32.add
        i32.load8_u
        i32.store8
        local.get $p
        local.get $j
        i32.const 2
        i32.add
        i32.const 12
        i32.mul
        i32.add
        local.get $q
        local.get $j
        i32.const 2
        i32.add
        i32.const 8
        i32.mul
        i32.add
        i32.load8_u
        i32.store8
        local.get $p
        local.get $j
        i32.const 3
        i32.add
        i32.const 12
        i32.mul
        i32.add
        local.get $q
        local.get $j
        i32.const 3
        i32.add
        i32.const 8
        i32.mul
        i32.add
        i32.load8_u
        i32.store8
        local.get $j
        i32.const 4
        i32.add
        local.set $j
        local.get $j
        local.get $lim
        i32.ne
        br_if $l
      end
    end
    local.get $s
  )
  (func (;2;) (type 1) (param $p i32) (param $n i32) (param $q i32) (result i64)
    (local $j i32) (local $lim i32) (local $s i64) (local $t i32)
    local.get $n
    i32.const 1020
    i32.and
    local.set $lim
    local.get $lim
    i32.eqz
    if ;; label = @1
      i64.const -1
      return
    end
    block $out
      loop $l
        local.get $s
        local.get $q
        local.get $j
        i32.const 0
        i32.add
        i32.const 1
        i32.mul
        i32.add
        i32.load16_s offset=2
        i64.extend_i32_s
        i64.add
        local.set $s
        local.get $s
        local.get $q
        local.get $j
        i32.const 1
        i32.add
        i32.const 1
        i32.mul
        i32.add
        i32.load16_s offset=2
        i64.extend_i32_s
        i64.add
        local.set $s
        local.get $s
        local.get $q
        local.get $j
        i32.const 2
        i32.add
        i32.const 1
        i32.mul
        i32.add
        i32.load16_s offset=2
        i64.extend_i32_s
        i64.add
        local.set $s
        local.get $s
        local.get $q
        local.get $j
        i32.const 3
        i32.add
        i32.const 1
        i32.mul
        i32.add
        i32.load16_s offset=2
        i64.extend_i32_s
        i64.add
        local.set $s
        local.get $j
        i32.const 4
        i32.add
        local.set $j
        local.get $j
        local.get $lim
        i32.ne
        br_if $l
      end
    end
    local.get $s
  )
  (func (;3;) (type 1) (param $p i32) (param $n i32) (param $q i32) (result i64)
    (local $j i32) (local $lim i32) (local $s i64) (local $t i32)
    local.get $n
    i32.const 16383
    i32.and
    local.set $lim
    local.get $lim
    i32.eqz
    if ;; label = @1
      i64.const -1
      return
    end
    block $out
      loop $l
        local.get $s
        local.get $q
        local.get $j
        i32.const 0
        i32.add
        i32.const 2
        i32.mul
        i32.add
        i64.load offset=33
        i64.add
        local.set $s
        local.get $j
        i32.const 1
        i32.add
        local.set $j
        local.get $j
        local.get $lim
        i32.ne
        br_if $l
      end
    end
    local.get $s
  )
  (func (;4;) (type 1) (param $p i32) (param $n i32) (param $q i32) (result i64)
    (local $j i32) (local $lim i32) (local $s i64) (local $t i32)
    local.get $n
    i32.const 1022
    i32.and
    local.set $lim
    local.get $lim
    i32.eqz
    if ;; label = @1
      i64.const -1
      return
    end
    block $out
      loop $l
        local.get $s
        local.get $q
        local.get $j
        i32.const 0
        i32.add
        i32.const -4
        i32.mul
        i32.add
        i64.load
        i64.add
        local.set $s
        local.get $s
        i32.const 1000
        local.get $q
        local.get $j
        i32.const 0
        i32.add
        i32.sub
        i32.div_s
        i64.extend_i32_s
        i64.add
        local.set $s
        local.get $s
        local.get $p
        local.get $j
        i32.const 0
        i32.add
        i32.const 1
        i32.mul
        i32.add
        i64.load offset=8
        i64.add
        local.set $s
        local.get $s
        local.get $q
        local.get $j
        i32.const 1
        i32.add
        i32.const -4
        i32.mul
        i32.add
        i64.load
        i64.add
        local.set $s
        local.get $s
        i32.const 1000
        local.get $q
        local.get $j
        i32.const 1
        i32.add
        i32.sub
        i32.div_s
        i64.extend_i32_s
        i64.add
        local.set $s
        local.get $s
        local.get $p
        local.get $j
        i32.const 1
        i32.add
        i32.const 1
        i32.mul
        i32.add
        i64.load offset=8
        i64.add
        local.set $s
        local.get $j
        i32.const 2
        i32.add
        local.set $j
        local.get $j
        local.get $lim
        i32.ne
        br_if $l
      end
    end
    local.get $s
  )
  (data (;0;) (i32.const 0) "\01\02\03\04\05\06\07\08\f0\e0\d0\c0")
)
