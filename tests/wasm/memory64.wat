;; A 64-bit memory, a 64-bit table and a 1-byte-page memory (memory64 + custom-page-sizes),
;; compiled by build.rs in both memory modes and bound with include_wasm!.
(module
  (memory $m (export "memory") i64 1 70000)
  (memory $tiny (export "tiny") 10 20 (pagesize 1))
  (table $t (export "table") i64 2 funcref)
  (elem (table $t) (i64.const 0) func $seven $eight)
  (data (memory $m) (i64.const 0x10) "wasm64")
  (func $seven (result i32) (i32.const 7))
  (func $eight (result i32) (i32.const 8))

  (func (export "load8") (param i64) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store64") (param i64 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "load64_off") (param i64) (result i64) (i64.load offset=0x100000000 (local.get 0)))
  (func (export "size") (result i64) (memory.size $m))
  (func (export "grow") (param i64) (result i64) (memory.grow $m (local.get 0)))
  (func (export "fill") (param i64 i32 i64) (memory.fill $m (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i64 i64 i64) (memory.copy $m $m (local.get 0) (local.get 1) (local.get 2)))

  (func (export "tiny_size") (result i32) (memory.size $tiny))
  (func (export "tiny_grow") (param i32) (result i32) (memory.grow $tiny (local.get 0)))
  (func (export "tiny_store") (param i32 i32) (i32.store8 $tiny (local.get 0) (local.get 1)))

  (func (export "table_size") (result i64) (table.size $t))
  (func (export "table_grow") (param i64) (result i64) (table.grow $t (ref.null func) (local.get 0)))
  (func (export "call") (param i64) (result i32) (call_indirect $t (result i32) (local.get 0)))
)
