//! Loop versioning (wasmlite-codegen's `cpp/versioning.cpp`): innermost loops get a fast copy
//! without pins or bounds checks, entered only when a check before the loop shows that no
//! access can trap. These tests run loop kernels with random bounds, biased towards the edges
//! of memory and of the 32-bit address space, in both memory modes, against a model written
//! in Rust: the result and the whole memory must match, and a trap must come with exactly the
//! stores before it done (the precise fallback loop).

use wasmlite_jit_e2e::load;
use wasmlite_rt::*;

const KERNELS: &str = r#"
(module
  (memory (export "mem") 1 4)
  ;; for i in 0..n: i32[p + 4i + 8] = i + 1
  (func (export "fill") (param $p i32) (param $n i32)
    (local $i i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store offset=8 (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))
                          (i32.add (local.get $i) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))
  ;; for i in 0..n: u8[p - i] = i (a decreasing address)
  (func (export "down") (param $p i32) (param $n i32)
    (local $i i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store8 (i32.sub (local.get $p) (local.get $i)) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))
  ;; for i in 0..n: f32[d + 4i] += 2 * f32[s + 4i] (vectorisable once unpinned)
  (func (export "axpy") (param $d i32) (param $s i32) (param $n i32)
    (local $i i32) (local $o i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (f32.store (i32.add (local.get $d) (local.get $o))
        (f32.add (f32.load (i32.add (local.get $d) (local.get $o)))
                 (f32.mul (f32.const 2) (f32.load (i32.add (local.get $s) (local.get $o))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))
  ;; for i in 0..n: i32[p + i * stride] = i (a run-time stride: may wrap around 2^32)
  (func (export "strided") (param $p i32) (param $n i32) (param $stride i32)
    (local $i i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store (i32.add (local.get $p) (i32.mul (local.get $i) (local.get $stride))) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))
  ;; sum of i64[p + 8i + 65530], i in 0..n (a large static offset)
  (func (export "sum") (param $p i32) (param $n i32) (result i64)
    (local $i i32) (local $s i64)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $s (i64.add (local.get $s)
        (i64.load offset=65530 (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 3))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $s))
  ;; two stores per iteration (as clang's unrolling leaves them), then a division that may
  ;; trap in the middle of the loop: i32[p + 8i] = i, i32[p + 8i + 4] = 100 / (k - i)
  (func (export "unrolled") (param $p i32) (param $n i32) (param $k i32)
    (local $i i32) (local $a i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $a (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 3))))
      (i32.store (local.get $a) (local.get $i))
      (i32.store offset=4 (local.get $a) (i32.div_s (i32.const 100) (i32.sub (local.get $k) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))
  ;; clang's shape of a loop unrolled by 2: j += 2 until j == n & -2, two copies of the body
  (func (export "pairs") (param $p i32) (param $n i32)
    (local $j i32) (local $a i32)
    (local.set $n (i32.and (local.get $n) (i32.const -2)))
    (if (i32.eqz (local.get $n)) (then (return)))
    (loop $l
      (local.set $a (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2))))
      (i32.store (local.get $a) (i32.mul (local.get $j) (i32.const 3)))
      (i32.store offset=4 (local.get $a) (i32.mul (i32.add (local.get $j) (i32.const 1)) (i32.const 3)))
      (local.set $j (i32.add (local.get $j) (i32.const 2)))
      (br_if $l (i32.ne (local.get $j) (local.get $n)))))
  ;; the same with a running sum carried from copy to copy, stored as it goes
  (func (export "prefix") (param $p i32) (param $n i32) (result i64)
    (local $j i32) (local $a i32) (local $s i64)
    (local.set $n (i32.and (local.get $n) (i32.const -2)))
    (if (i32.eqz (local.get $n)) (then (return (i64.const -1))))
    (loop $l
      (local.set $a (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 3))))
      (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (local.get $j))))
      (i64.store (local.get $a) (local.get $s))
      (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (i32.add (local.get $j) (i32.const 1)))))
      (i64.store offset=8 (local.get $a) (local.get $s))
      (local.set $j (i32.add (local.get $j) (i32.const 2)))
      (br_if $l (i32.ne (local.get $j) (local.get $n))))
    (local.get $s))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
)"#;

/// What a call does to the model memory: `Ok(result)` or `Err(kind)`.
type Outcome = Result<Option<i64>, TrapKind>;

/// The model: a byte vector with wasm's wrapping 32-bit address arithmetic.
struct Model {
    mem: Vec<u8>,
}

impl Model {
    fn range(&self, addr: u64, size: u64) -> Result<std::ops::Range<usize>, TrapKind> {
        if addr + size > self.mem.len() as u64 {
            return Err(TrapKind::MemoryOutOfBounds);
        }
        Ok(addr as usize..(addr + size) as usize)
    }
    fn store(&mut self, addr: u32, offset: u64, bytes: &[u8]) -> Result<(), TrapKind> {
        let r = self.range(addr as u64 + offset, bytes.len() as u64)?;
        self.mem[r].copy_from_slice(bytes);
        Ok(())
    }
    fn load(&self, addr: u32, offset: u64, size: u64) -> Result<&[u8], TrapKind> {
        Ok(&self.mem[self.range(addr as u64 + offset, size)?])
    }

    fn run(&mut self, name: &str, a: &[u32]) -> Outcome {
        match name {
            "fill" => {
                for i in 0..a[1] {
                    self.store(a[0].wrapping_add(i << 2), 8, &(i.wrapping_add(1)).to_le_bytes())?;
                }
                Ok(None)
            }
            "down" => {
                for i in 0..a[1] {
                    self.store(a[0].wrapping_sub(i), 0, &[i as u8])?;
                }
                Ok(None)
            }
            "axpy" => {
                for i in 0..a[2] {
                    let o = i << 2;
                    let d = f32::from_le_bytes(self.load(a[0].wrapping_add(o), 0, 4)?.try_into().unwrap());
                    let s = f32::from_le_bytes(self.load(a[1].wrapping_add(o), 0, 4)?.try_into().unwrap());
                    self.store(a[0].wrapping_add(o), 0, &(d + 2.0 * s).to_le_bytes())?;
                }
                Ok(None)
            }
            "strided" => {
                for i in 0..a[1] {
                    self.store(a[0].wrapping_add(i.wrapping_mul(a[2])), 0, &i.to_le_bytes())?;
                }
                Ok(None)
            }
            "sum" => {
                let mut s = 0i64;
                for i in 0..a[1] {
                    let v = self.load(a[0].wrapping_add(i << 3), 65530, 8)?;
                    s = s.wrapping_add(i64::from_le_bytes(v.try_into().unwrap()));
                }
                Ok(Some(s))
            }
            "unrolled" => {
                for i in 0..a[1] {
                    let p = a[0].wrapping_add(i << 3);
                    self.store(p, 0, &i.to_le_bytes())?;
                    let div = (a[2] as i32).wrapping_sub(i as i32);
                    if div == 0 {
                        return Err(TrapKind::IntegerDivideByZero);
                    }
                    self.store(p, 4, &(100i32 / div).to_le_bytes())?;
                }
                Ok(None)
            }
            "pairs" => {
                let n = a[1] & !1;
                if n == 0 {
                    return Ok(None);
                }
                let mut j = 0u32;
                loop {
                    let p = a[0].wrapping_add(j << 2);
                    self.store(p, 0, &j.wrapping_mul(3).to_le_bytes())?;
                    self.store(p, 4, &j.wrapping_add(1).wrapping_mul(3).to_le_bytes())?;
                    j = j.wrapping_add(2);
                    if j == n {
                        return Ok(None);
                    }
                }
            }
            "prefix" => {
                let n = a[1] & !1;
                if n == 0 {
                    return Ok(Some(-1));
                }
                let (mut j, mut s) = (0u32, 0i64);
                loop {
                    let p = a[0].wrapping_add(j << 3);
                    s = s.wrapping_add(j as i64);
                    self.store(p, 0, &s.to_le_bytes())?;
                    s = s.wrapping_add(j.wrapping_add(1) as i64);
                    self.store(p, 8, &s.to_le_bytes())?;
                    j = j.wrapping_add(2);
                    if j == n {
                        return Ok(Some(s));
                    }
                }
            }
            _ => unreachable!("unknown kernel {name}"),
        }
    }
}

/// SplitMix64: reproducible arguments.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// An address near an interesting edge: 0, the memory's end, 2^32.
    fn addr(&mut self, len: u32) -> u32 {
        let near = match self.next() % 4 {
            0 => 0u32,
            1 => len,
            2 => 0u32.wrapping_sub(64),
            _ => (self.next() % len as u64) as u32,
        };
        near.wrapping_add((self.next() % 129) as u32).wrapping_sub(64)
    }
    /// A trip count: small, or about what reaches the memory's end.
    fn count(&mut self, len: u32) -> u32 {
        match self.next() % 3 {
            0 => (self.next() % 40) as u32,
            1 => (self.next() % (len as u64 / 4 + 1)) as u32,
            _ => (self.next() % 70000) as u32,
        }
    }
}

fn check(explicit: bool, seed: u64) {
    let module = load(KERNELS, explicit);
    let store = Store::new();
    let mut inst = Instance::new(&store, &module, &[], ()).expect("instantiate");
    let mut model = Model { mem: vec![0; 65536] };
    let mut rng = Rng(seed);
    for call in 0..400 {
        if call == 200 {
            assert_eq!(inst.call_export("grow", &[Val::I32(1)]).unwrap(), vec![Val::I32(1)]);
            model.mem.resize(2 * 65536, 0);
        }
        let len = model.mem.len() as u32;
        let (name, args): (&str, Vec<u32>) = match rng.next() % 8 {
            6 => ("pairs", vec![rng.addr(len), rng.count(len) / 4]),
            7 => ("prefix", vec![rng.addr(len), rng.count(len) / 8]),
            0 => ("fill", vec![rng.addr(len), rng.count(len)]),
            1 => ("down", vec![rng.addr(len), rng.count(len)]),
            2 => ("axpy", vec![rng.addr(len) & !3, rng.addr(len) & !3, rng.count(len) / 4]),
            3 => {
                let stride = [4u32, 8, 12, 0, 0u32.wrapping_sub(4), 0u32.wrapping_sub(8), 4096][rng.next() as usize % 7];
                ("strided", vec![rng.addr(len), rng.count(len) / 8, stride])
            }
            4 => ("sum", vec![rng.addr(len), rng.count(len) / 8]),
            _ => ("unrolled", vec![rng.addr(len), rng.count(len) / 8, (rng.next() % 200) as u32]),
        };
        let want = model.run(name, &args);
        let vals: Vec<Val> = args.iter().map(|&a| Val::I32(a as i32)).collect();
        let got: Outcome = match inst.call_export(name, &vals) {
            Ok(r) => Ok(r.first().map(|v| match v {
                Val::I64(x) => *x,
                other => panic!("unexpected result {other:?}"),
            })),
            Err(t) => Err(t.kind()),
        };
        let ctx = format!("explicit={explicit} seed={seed} call {call}: {name}{args:?}");
        assert_eq!(got, want, "{ctx}");
        let mem = inst.memory(0);
        let data = mem.data();
        if let Some(i) = (0..model.mem.len()).find(|&i| data[i] != model.mem[i]) {
            panic!("{ctx}: memory differs first at byte {i}: {} != {} (model)", data[i], model.mem[i]);
        }
    }
}

#[test]
fn versioned_loops_match_the_model_with_guard_pages() {
    for seed in [1, 2, 3] {
        check(false, seed);
    }
}

#[test]
fn versioned_loops_match_the_model_with_bounds_checks() {
    for seed in [1, 2, 3] {
        check(true, seed);
    }
}
