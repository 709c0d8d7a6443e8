//! Control flow, calls, multi-value, and the shape of the generated bindings.

use wasmlite_tests::control::Instance;

#[test]
fn calls_and_loops() {
    let mut p = Instance::new(()).unwrap();
    assert_eq!(p.fac(0).unwrap(), 1);
    assert_eq!(p.fac(20).unwrap(), 2_432_902_008_176_640_000);
    assert_eq!(p.fac(21).unwrap(), 2_432_902_008_176_640_000i64.wrapping_mul(21), "i64 wraps");
    assert_eq!(p.fib_iter(0).unwrap(), 0);
    assert_eq!(p.fib_iter(1).unwrap(), 1);
    assert_eq!(p.fib_iter(90).unwrap(), 2_880_067_194_370_816_120);
    p.nop().unwrap();
}

#[test]
fn multi_value() {
    let mut p = Instance::new(()).unwrap();
    let (a, b, c, d): (i32, i64, f32, f64) = p.four().unwrap();
    assert_eq!((a, b, c, d), (-1, 0x1_0000_0000, 1.5, -2.25));
    assert_eq!(p.swap(1, 2).unwrap(), (2, 1));
    assert_eq!(p.minmax(9, -3).unwrap(), (-3, 9));
    assert_eq!(p.minmax(-3, 9).unwrap(), (-3, 9));
    assert_eq!(p.divmod_sum(17, 5).unwrap(), 3 + 2);
}

#[test]
fn branches() {
    let mut p = Instance::new(()).unwrap();
    assert_eq!(p.switch(0).unwrap(), 100);
    assert_eq!(p.switch(1).unwrap(), 101);
    assert_eq!(p.switch(2).unwrap(), 102);
    assert_eq!(p.switch(3).unwrap(), -1);
    assert_eq!(p.switch(-1).unwrap(), -1, "out-of-range index takes the default");
    assert_eq!(p.switch(1000).unwrap(), -1);
    assert_eq!(p.br_value(0).unwrap(), 7);
    assert_eq!(p.br_value(1).unwrap(), 9);
}

#[test]
fn binding_names_and_arity() {
    let mut p = Instance::new(()).unwrap();
    // camelCase → snake_case, keyword → trailing underscore.
    assert_eq!(p.add_two(40).unwrap(), 42);
    assert_eq!(p.loop_().unwrap(), 5);
    // More parameters than the typed tuple path supports: dynamic call path.
    assert_eq!(p.sum9(1, 2, 3, 4, 5, 6, 7, 8, 9).unwrap(), 45);
    // Escape hatch: the untyped instance.
    let module_exports = p.instance().module().info().exports.len();
    assert!(module_exports >= 10);
    let v = p.instance_mut().call_export("addTwo", &[wasmlite_rt::Val::I32(1)]).unwrap();
    assert_eq!(v, vec![wasmlite_rt::Val::I32(3)]);
}
