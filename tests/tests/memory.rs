//! Linear memory in both memory modes: guard pages (`memory`) and explicit bounds checks
//! (`memory_checked`, the same wat compiled with `bounds_checks(true)`).

use wasmlite_rt::TrapKind;

macro_rules! memory_tests {
    ($m:ident) => {
        mod $m {
            use super::*;
            use wasmlite_tests::$m::Instance;

            fn inst() -> Instance<()> {
                Instance::new(()).unwrap()
            }

            #[test]
            fn data_segments_and_loads() {
                let mut p = inst();
                assert_eq!(&p.memory().data()[100..105], b"hello");
                assert_eq!(p.i32_load(0).unwrap(), 0x0403_0201);
                assert_eq!(p.i32_load8_s(8).unwrap(), -16);
                assert_eq!(p.i32_load8_u(8).unwrap(), 0xf0);
                assert_eq!(p.i32_load16_s(8).unwrap(), 0xf1f0u16 as i16 as i32);
                assert_eq!(p.i32_load16_u(8).unwrap(), 0xf1f0);
                assert_eq!(p.i64_load(0).unwrap(), 0x0807_0605_0403_0201);
                assert_eq!(p.i64_load(8).unwrap() as u64, 0xf7f6_f5f4_f3f2_f1f0);
                assert_eq!(p.i64_load8_s(8).unwrap(), -16);
                assert_eq!(p.i64_load8_u(8).unwrap(), 0xf0);
                assert_eq!(p.i64_load16_s(8).unwrap(), 0xf1f0u16 as i16 as i64);
                assert_eq!(p.i64_load16_u(8).unwrap(), 0xf1f0);
                assert_eq!(p.i64_load32_s(8).unwrap(), 0xf3f2_f1f0u32 as i32 as i64);
                assert_eq!(p.i64_load32_u(8).unwrap(), 0xf3f2_f1f0);
                assert_eq!(p.i32_load(1).unwrap(), 0x0504_0302, "unaligned");
                assert_eq!(p.i32_load_off4(0).unwrap(), 0x0807_0605);
                assert_eq!(p.v128_load(0).unwrap(), u128::from_le_bytes(p.memory().data()[0..16].try_into().unwrap()));
            }

            #[test]
            fn stores_of_every_width() {
                let mut p = inst();
                p.i32_store(200, 0x1122_3344).unwrap();
                assert_eq!(&p.memory().data()[200..204], &[0x44, 0x33, 0x22, 0x11]);
                p.i32_store8(200, 0x1ff).unwrap();
                assert_eq!(&p.memory().data()[200..204], &[0xff, 0x33, 0x22, 0x11]);
                p.i32_store16(202, -1).unwrap();
                assert_eq!(&p.memory().data()[200..204], &[0xff, 0x33, 0xff, 0xff]);
                p.i64_store(208, 0x0102_0304_0506_0708).unwrap();
                assert_eq!(p.i64_load(208).unwrap(), 0x0102_0304_0506_0708);
                p.i64_store8(208, 0xaa).unwrap();
                p.i64_store16(210, 0xbbcc).unwrap();
                p.i64_store32(212, 0xdead_beef).unwrap();
                assert_eq!(&p.memory().data()[208..216], &[0xaa, 0x07, 0xcc, 0xbb, 0xef, 0xbe, 0xad, 0xde]);
                p.f32_store(216, -1.5).unwrap();
                assert_eq!(p.f32_load(216).unwrap(), -1.5);
                assert_eq!(&p.memory().data()[216..220], &(-1.5f32).to_le_bytes());
                p.f64_store(224, std::f64::consts::PI).unwrap();
                assert_eq!(p.f64_load(224).unwrap(), std::f64::consts::PI);
                let nan = f32::from_bits(0x7fa0_0001);
                p.f32_store(232, nan).unwrap();
                assert_eq!(p.f32_load(232).unwrap().to_bits(), 0x7fa0_0001, "NaN payload survives load/store");
                p.v128_store(240, 0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100).unwrap();
                assert_eq!(&p.memory().data()[240..256], &(0..16).collect::<Vec<u8>>()[..]);
                p.i32_store_off4(300, 7).unwrap();
                assert_eq!(p.i32_load(304).unwrap(), 7);
                // The host sees and changes the same bytes.
                p.memory_mut().data_mut()[400] = 0x5a;
                assert_eq!(p.i32_load8_u(400).unwrap(), 0x5a);
            }

            #[test]
            fn out_of_bounds_traps() {
                let mut p = inst();
                let last = 65536 - 4;
                assert_eq!(p.i32_load(last).unwrap(), 0);
                for addr in [last + 1, 65535, 65536, -1, i32::MIN] {
                    let e = p.i32_load(addr).unwrap_err();
                    assert_eq!(e.kind(), TrapKind::MemoryOutOfBounds, "i32.load at {addr}");
                }
                assert_eq!(p.i64_load(65536 - 7).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
                assert_eq!(p.i32_load8_u(65535).unwrap(), 0);
                assert_eq!(p.i32_load8_u(65536).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
                assert_eq!(p.i32_store(65534, 1).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
                assert_eq!(p.v128_load(65536 - 15).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
                // address + offset overflows 32 bits: still out of bounds, never wraps.
                assert_eq!(p.i32_load_off_max(1).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
                assert_eq!(p.i32_load_off_max(0).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
                assert_eq!(p.i32_store_off4(65533, 1).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
                // A trapping store writes nothing; the instance keeps working.
                assert_eq!(p.memory().data()[65534], 0);
                assert_eq!(p.i32_load(0).unwrap(), 0x0403_0201);
            }

            #[test]
            fn size_and_grow() {
                let mut p = inst();
                assert_eq!(p.size().unwrap(), 1);
                assert_eq!(p.memory().size_pages(), 1);
                assert_eq!(p.i32_load(65536).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
                assert_eq!(p.grow(1).unwrap(), 1);
                assert_eq!(p.size().unwrap(), 2);
                assert_eq!(p.i32_load(65536).unwrap(), 0, "new page is accessible and zeroed");
                assert_eq!(p.grow(0).unwrap(), 2);
                assert_eq!(p.grow(3).unwrap(), -1, "beyond the maximum of 4 pages");
                assert_eq!(p.grow(-1).unwrap(), -1);
                assert_eq!(p.grow_and_store(2, 77).unwrap(), 77);
                assert_eq!(p.size().unwrap(), 4);
                assert_eq!(p.memory().data().len(), 4 * 65536);
                assert_eq!(p.i32_load(4 * 65536 - 4).unwrap(), 77);
                assert_eq!(p.i32_load(4 * 65536 - 3).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
                assert_eq!(p.grow_and_store(1, 1).unwrap(), -1);
                // Data written before growing is still there.
                assert_eq!(&p.memory().data()[100..105], b"hello");
                // Growing from the host.
                let mut q = inst();
                assert_eq!(q.memory_mut().grow(2).unwrap(), 1);
                assert_eq!(q.size().unwrap(), 3);
                assert_eq!(q.i32_load(3 * 65536 - 4).unwrap(), 0);
                assert!(q.memory_mut().grow(2).is_err());
            }

            #[test]
            fn bulk_memory() {
                let mut p = inst();
                p.fill(1000, 0xab, 10).unwrap();
                assert_eq!(&p.memory().data()[999..1011], &[0, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0]);
                p.copy(1002, 100, 5).unwrap();
                assert_eq!(&p.memory().data()[1000..1010], b"\xab\xabhello\xab\xab\xab");
                p.copy(1001, 1000, 8).unwrap(); // overlapping: memmove semantics
                assert_eq!(&p.memory().data()[1000..1010], b"\xab\xab\xabhello\xab\xab");
                p.init_passive(2000, 0, 8).unwrap();
                assert_eq!(&p.memory().data()[2000..2008], b"passive!");
                p.init_passive(3000, 4, 4).unwrap();
                assert_eq!(&p.memory().data()[3000..3004], b"ive!");
                assert_eq!(p.init_passive(3000, 4, 5).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
                assert_eq!(p.fill(65530, 1, 7).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
                assert_eq!(p.copy(65530, 0, 7).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
                assert_eq!(p.copy(0, 65530, 7).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
                p.fill(65536, 1, 0).unwrap(); // zero length at the end is fine
                p.drop_passive().unwrap();
                assert_eq!(p.init_passive(2000, 0, 1).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
                p.init_passive(2000, 0, 0).unwrap();
            }
        }
    };
}

memory_tests!(memory);
memory_tests!(memory_checked);
memory_tests!(memory_parts);

#[test]
fn the_two_modes_differ_only_in_bounds_checking() {
    let guard = wasmlite_tests::memory::module().unwrap();
    let checked = wasmlite_tests::memory_checked::module().unwrap();
    assert!(!guard.explicit_bounds_checks());
    assert!(checked.explicit_bounds_checks());
    assert_eq!(guard.info(), checked.info());
}
