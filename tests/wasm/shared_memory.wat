;; A module defining (not importing) a shared memory: `include_wasm!` links the runtime's
;; shared-memory part of instantiation for it (`abi::instance_parts::SHARED_MEMORY`).
(module
  (memory (export "memory") 1 2 shared)
  (data (i32.const 0) "\2a")
  (func (export "add") (param i32 i32) (result i32)
    (i32.atomic.rmw.add (local.get 0) (local.get 1)))
  (func (export "get") (param i32) (result i32) (i32.atomic.load (local.get 0))))
