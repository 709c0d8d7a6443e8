//! Every numeric operator family, checked against Rust reference semantics over edge-case
//! inputs (cross products), plus literal spot checks — for the module compiled at the default
//! optimisation level and again at `opt_level(0)`.

mod optimized {
    use wasmlite_tests::numeric::Instance;
    include!("shared/numeric_impl.rs");
}

mod unoptimized {
    use wasmlite_tests::numeric_o0::Instance;
    include!("shared/numeric_impl.rs");
}
