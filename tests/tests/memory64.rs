//! memory64 and custom-page-sizes through `include_wasm!` bindings, in both memory modes
//! (`memory64`: guard-page build, `memory64_checked`: explicit bounds checks). 64-bit
//! memories are always checked explicitly and live on the heap.

use wasmlite_rt::TrapKind;

macro_rules! memory64_tests {
    ($m:ident) => {
        mod $m {
            use super::*;
            use wasmlite_tests::$m::Instance;

            fn inst() -> Instance<()> {
                Instance::new(()).unwrap()
            }

            #[test]
            fn memory_type_and_sizes_are_64_bit() {
                let p = inst();
                let m = p.memory();
                let ty = m.ty();
                assert!(ty.memory64);
                assert_eq!((ty.min, ty.max, ty.page_size_log2), (1, Some(70000), 16));
                assert_eq!(m.size_pages(), 1);
                assert_eq!(m.size_bytes(), 65536);
                assert_eq!(m.max_pages(), 70000, "a maximum beyond 65536 pages (4 GiB) is kept");
                assert!(!m.is_guarded(), "64-bit memories are heap memories with explicit checks");
                assert_eq!(&m.data()[0x10..0x16], b"wasm64");
            }

            #[test]
            fn i64_addresses_and_bounds() {
                let mut p = inst();
                p.store64(65528, 0x0102_0304_0506_0708).unwrap();
                assert_eq!(p.load8(65528).unwrap(), 8);
                assert_eq!(p.load8(65535).unwrap(), 1);
                assert_eq!(p.load8(65536).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
                assert_eq!(p.store64(65529, 0).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
                // Addresses beyond 4 GiB are not wrapped to 32 bits.
                assert_eq!(p.load8(1 << 32).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
                assert_eq!(p.load8(-1).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
                assert_eq!(p.load64_off(0).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
                assert_eq!(p.load64_off(-(1i64 << 32)).unwrap_err().kind(), TrapKind::MemoryOutOfBounds, "address + offset overflows u64");
            }

            #[test]
            fn grow_size_and_bulk() {
                let mut p = inst();
                assert_eq!(p.size().unwrap(), 1);
                assert_eq!(p.grow(2).unwrap(), 1);
                assert_eq!(p.size().unwrap(), 3);
                assert_eq!(p.memory().size_bytes(), 3 * 65536);
                assert_eq!(p.grow(70000).unwrap(), -1, "beyond the maximum");
                assert_eq!(p.grow(-1).unwrap(), -1, "u64::MAX pages");
                assert_eq!(p.size().unwrap(), 3);
                p.fill(3 * 65536 - 4, 0xab, 4).unwrap();
                assert_eq!(&p.memory().data()[3 * 65536 - 4..], &[0xab; 4]);
                assert_eq!(p.fill(3 * 65536 - 4, 0, 5).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
                assert_eq!(p.fill(1 << 40, 0, 0).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
                p.copy(0, 0x10, 6).unwrap();
                assert_eq!(&p.memory().data()[0..6], b"wasm64");
                assert_eq!(p.copy(0, -1i64, 1).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
            }

            #[test]
            fn one_byte_pages() {
                let mut p = inst();
                assert_eq!(p.tiny().page_size(), 1);
                assert_eq!(p.tiny().size_pages(), 10);
                assert_eq!(p.tiny_size().unwrap(), 10);
                p.tiny_store(9, 5).unwrap();
                assert_eq!(p.tiny_store(10, 5).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
                assert_eq!(p.tiny_grow(3).unwrap(), 10);
                assert_eq!(p.tiny_size().unwrap(), 13);
                assert_eq!(p.tiny().size_bytes(), 13);
                p.tiny_store(12, 6).unwrap();
                assert_eq!(p.tiny().data(), &[0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 6]);
                assert_eq!(p.tiny_grow(8).unwrap(), -1, "beyond the maximum of 20 bytes");
            }

            #[test]
            fn table64() {
                let mut p = inst();
                assert!(p.table().ty().table64);
                assert_eq!(p.table_size().unwrap(), 2);
                assert_eq!(p.call(0).unwrap(), 7);
                assert_eq!(p.call(1).unwrap(), 8);
                assert_eq!(p.call(2).unwrap_err().kind(), TrapKind::TableOutOfBounds);
                assert_eq!(p.call(1 << 32).unwrap_err().kind(), TrapKind::TableOutOfBounds, "not wrapped to 32 bits");
                assert_eq!(p.table_grow(3).unwrap(), 2);
                assert_eq!(p.table_size().unwrap(), 5);
                assert_eq!(p.call(4).unwrap_err().kind(), TrapKind::IndirectCallToNull);
                assert_eq!(p.table_grow(-1).unwrap(), -1);
            }
        }
    };
}

memory64_tests!(memory64);
memory64_tests!(memory64_checked);
