;; seed: 0
;; Not a wasmlite bug (fuzz seed 30001683, all four modes): `table.grow` past wasmlite's limit
;; of 10^7 elements (`wasmlite_rt::MAX_TABLE_ELEMENTS`) returns -1, as the spec allows, while
;; wasmi (no limit by default) grows the table to 10^8 elements. A module that retries until
;; the grow succeeds then ran out of wasm-smith's fuel on wasmlite only ("spurious trap
;; Unreachable"). The harness now gives the reference engines wasmlite's table limit.
(module
  (table 10 funcref)
  (global $fuel (export "__fuel") (mut i32) (i32.const 1000))
  (func (export "grow") (result i32)
    (table.grow 0 (ref.null func) (i32.const 104812770)))
  (func (export "retry") (result i32)
    (loop $l
      (if (i32.eqz (global.get $fuel)) (then unreachable))
      (global.set $fuel (i32.sub (global.get $fuel) (i32.const 1)))
      (br_if $l (i32.eq (table.grow 0 (ref.null func) (i32.const 104812770)) (i32.const -1))))
    (table.size 0)))
