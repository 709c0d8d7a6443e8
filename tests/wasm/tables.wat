;; Tables, call_indirect, reference types.
(module
  (type $unop (func (param i32) (result i32)))
  (type $binop (func (param i32 i32) (result i32)))
  (table $t (export "table") 4 8 funcref)
  (table $ext (export "externs") 2 externref)
  (elem (table $t) (i32.const 0) func $double $square $add)
  (elem $later func $negate)

  (func $double (type $unop) (i32.mul (local.get 0) (i32.const 2)))
  (func $square (type $unop) (i32.mul (local.get 0) (local.get 0)))
  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $negate (type $unop) (i32.sub (i32.const 0) (local.get 0)))

  ;; call_indirect through the unop type: 0, 1 ok; 2 wrong signature; 3 null; >= 4 out of bounds.
  (func (export "apply") (param $slot i32) (param $x i32) (result i32)
    (call_indirect $t (type $unop) (local.get $x) (local.get $slot)))
  (func (export "size") (result i32) (table.size $t))
  (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
  (func (export "is_null") (param i32) (result i32) (ref.is_null (table.get $t (local.get 0))))
  (func (export "set_negate") (param i32) (table.set $t (local.get 0) (ref.func $negate)))
  (func (export "clear") (param i32) (table.set $t (local.get 0) (ref.null func)))
  (func (export "init_later") (param i32) (table.init $t $later (local.get 0) (i32.const 0) (i32.const 1)))
  (func (export "get_func") (param i32) (result funcref) (table.get $t (local.get 0)))
  (func (export "set_extern") (param i32 externref) (table.set $ext (local.get 0) (local.get 1)))
  (func (export "get_extern") (param i32) (result externref) (table.get $ext (local.get 0)))
  (func (export "identity_extern") (param externref) (result externref) (local.get 0))
  ;; Bulk table operations (each is a runtime builtin that include_wasm! links for this module).
  (func (export "fill_square") (param i32 i32) (table.fill $t (local.get 0) (ref.func $square) (local.get 1)))
  (func (export "copy") (param i32 i32 i32) (table.copy $t $t (local.get 0) (local.get 1) (local.get 2)))
  (func (export "drop_later") (elem.drop $later))
)
