//! [`Module`]: a compiled module's descriptor plus its [`ModuleInfo`] (decoded from the
//! descriptor, or `include_wasm!`'s static data, borrowed).

use alloc::boxed::Box;
use alloc::format;
use alloc::rc::Rc;
use alloc::vec::Vec;

use crate::abi::{self, ModuleDescriptor, ModuleInfo, StaticModuleInfo, ABI_VERSION, FLAG_EXPLICIT_BOUNDS_CHECKS, FLAG_INTERRUPT_POLLING};
use crate::instantiate::InstanceParts;
use crate::trap::InstantiationError;

pub(crate) struct ModuleInner {
    pub(crate) desc: *const ModuleDescriptor,
    info: Info,
    /// Canonical id (process-wide registry) of each type of `info.types`.
    pub(crate) type_ids: Vec<u64>,
    /// The builtins table its instances' VMContexts point to.
    pub(crate) builtins: &'static abi::Builtins,
    /// The optional parts of instantiation linked for it.
    pub(crate) parts: &'static InstanceParts,
}

/// Where a module's [`ModuleInfo`] lives.
pub(crate) enum Info {
    /// `include_wasm!`'s constant: nothing is copied or freed.
    Static(&'static ModuleInfo),
    /// Decoded from the descriptor, or built by the JIT. Behind a trait object so that the
    /// `ModuleInfo` drop code is linked only into binaries that create owned ones (an
    /// ahead-of-time binary does not).
    Owned(Box<dyn OwnedInfo>),
}

/// An owned [`ModuleInfo`] ([`Info::Owned`]).
pub(crate) trait OwnedInfo {
    fn get(&self) -> &ModuleInfo;
}

impl OwnedInfo for ModuleInfo {
    fn get(&self) -> &ModuleInfo {
        self
    }
}

impl Info {
    /// An owned `info`.
    pub(crate) fn owned(info: ModuleInfo) -> Info {
        Info::Owned(Box::new(info))
    }

    fn get(&self) -> &ModuleInfo {
        match self {
            Info::Static(i) => i,
            Info::Owned(i) => i.get(),
        }
    }
}

impl ModuleInner {
    /// The module's description.
    #[inline]
    pub(crate) fn info(&self) -> &ModuleInfo {
        self.info.get()
    }
}

/// A compiled module, ready to instantiate. Cheap to clone.
#[derive(Clone)]
pub struct Module(pub(crate) Rc<ModuleInner>);

impl core::fmt::Debug for Module {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Module")
            .field("funcs", &self.info().funcs.len())
            .field("imports", &self.info().imports.len())
            .field("explicit_bounds_checks", &self.explicit_bounds_checks())
            .finish()
    }
}

impl Module {
    /// A module whose descriptor is a linked static (ahead-of-time compiled), its
    /// [`ModuleInfo`] decoded from the descriptor once per thread. (`include_wasm!` bindings
    /// call [`Module::from_static_info`], which needs no decoder.)
    ///
    /// # Safety
    /// `desc` must be a [`ModuleDescriptor`] produced by wasmlite-codegen (its pointers and
    /// code are what generated code and the runtime rely on); a hand-made one may point
    /// anywhere.
    pub unsafe fn from_static(desc: &'static ModuleDescriptor) -> Result<Module, InstantiationError> {
        // SAFETY: per the contract, and a 'static descriptor and its code live forever.
        Module::cached(desc, || unsafe { Module::from_descriptor(desc) })
    }

    /// A module whose descriptor is a linked static, with its [`ModuleInfo`] given as static
    /// data (what `include_wasm!` bindings call: no decoder is linked). `info` must have been
    /// made from the same `ModuleInfo` as the descriptor's: its `info_hash` is checked against
    /// the descriptor's bytes. `builtins` is the module's table
    /// (`select_builtins(abi::parse::builtins_used(wasm))`: only what its code may call is
    /// linked), `parts` the parts of instantiation it needs
    /// (`select_instance_parts(abi::instance_parts::used(info, builtins))`; a missing one is an
    /// [`InstantiationError`] when the module is instantiated).
    ///
    /// # Safety
    /// As [`Module::from_static`], and `builtins` holds at least the builtins the module's
    /// code calls.
    #[doc(hidden)]
    pub unsafe fn from_static_info(
        desc: &'static ModuleDescriptor,
        info: &'static StaticModuleInfo,
        builtins: &'static abi::Builtins,
        parts: &'static InstanceParts,
    ) -> Result<Module, InstantiationError> {
        Module::cached(desc, || {
            // SAFETY: per the contract.
            let bytes = unsafe { check_descriptor(desc) }?;
            if abi::info_hash(bytes) != info.info_hash {
                return Err(InstantiationError::new(
                    "module descriptor and bindings describe different modules (ModuleInfo fingerprints differ)",
                ));
            }
            // SAFETY: per the contract.
            unsafe { Module::from_parts(desc, Info::Static(&info.info), builtins, parts) }
        })
    }

    /// The module of the static descriptor `desc` made by `make`, once per thread (instantiating
    /// again skips decoding and type interning).
    fn cached(desc: &'static ModuleDescriptor, make: impl FnOnce() -> Result<Module, InstantiationError>) -> Result<Module, InstantiationError> {
        #[cfg(feature = "std")]
        {
            std::thread_local! {
                static DECODED: core::cell::RefCell<Vec<Module>> = const { core::cell::RefCell::new(Vec::new()) };
            }
            let key: *const ModuleDescriptor = desc;
            if let Some(m) = DECODED.with(|c| c.borrow().iter().find(|m| m.0.desc == key).cloned()) {
                return Ok(m);
            }
            let m = make()?;
            DECODED.with(|c| c.borrow_mut().push(m.clone()));
            Ok(m)
        }
        #[cfg(not(feature = "std"))]
        {
            let _ = desc;
            make()
        }
    }

    /// A module from a descriptor (e.g. loaded by a JIT).
    ///
    /// # Safety
    /// `desc` must point to a valid [`ModuleDescriptor`] produced by wasmlite-codegen, and it
    /// and the code it points to must outlive every instance created from this module.
    pub unsafe fn from_descriptor(desc: *const ModuleDescriptor) -> Result<Module, InstantiationError> {
        // SAFETY: per the contract.
        let bytes = unsafe { check_descriptor(desc) }?;
        let info = ModuleInfo::decode(bytes)
            .ok_or_else(|| InstantiationError::new("module descriptor holds an invalid ModuleInfo encoding"))?;
        info.check().map_err(inconsistent)?;
        // SAFETY: per the contract.
        unsafe { Module::from_parts(desc, Info::owned(info), &crate::builtins::BUILTINS, &InstanceParts::ALL) }
    }

    /// The module of descriptor `desc` (checked by [`check_descriptor`]) described by `info`.
    ///
    /// # Safety
    /// As [`Module::from_descriptor`], `info` describes the module `desc` was compiled from
    /// and `builtins` holds every builtin its code calls.
    pub(crate) unsafe fn from_parts(
        desc: *const ModuleDescriptor,
        info: Info,
        builtins: &'static abi::Builtins,
        parts: &'static InstanceParts,
    ) -> Result<Module, InstantiationError> {
        // SAFETY: checked non-null by `check_descriptor`; valid per the contract.
        let d = unsafe { &*desc };
        validate(info.get(), d)?;
        #[cfg(feature = "std")]
        crate::signals::register_module(desc);
        let type_ids = crate::types::intern_module(&info.get().types);
        Ok(Module(Rc::new(ModuleInner { desc, info, type_ids, builtins, parts })))
    }

    /// The static module description.
    pub fn info(&self) -> &ModuleInfo {
        self.0.info()
    }

    /// The export named `name` ([`ModuleInfo::export`]: a binary search).
    pub fn export(&self, name: &str) -> Option<&crate::abi::Export> {
        self.0.info().export(name)
    }

    /// Whether the code does explicit bounds checks (else it needs guard-page memories).
    pub fn explicit_bounds_checks(&self) -> bool {
        self.desc().flags & FLAG_EXPLICIT_BOUNDS_CHECKS != 0
    }

    /// Whether the code polls the interrupt flag at loop headers and function entries
    /// (`wasmlite_codegen::Interrupts::Poll`); otherwise [`crate::InterruptHandle`] stops its
    /// loops with [`crate::interrupt_signal`].
    pub fn interrupt_polling(&self) -> bool {
        self.desc().flags & FLAG_INTERRUPT_POLLING != 0
    }

    /// The descriptor.
    pub fn descriptor(&self) -> &ModuleDescriptor {
        // SAFETY: guaranteed valid by the constructor's contract.
        unsafe { &*self.0.desc }
    }

    pub(crate) fn desc(&self) -> &ModuleDescriptor {
        self.descriptor()
    }

    /// Whether two handles refer to the same module.
    pub fn ptr_eq(&self, other: &Module) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The encoded `ModuleInfo` of descriptor `desc`, once its pointer and ABI version are checked.
///
/// # Safety
/// `desc` is null or points to a valid [`ModuleDescriptor`] (its `info` to `info_len` bytes)
/// that lives for `'a`.
unsafe fn check_descriptor<'a>(desc: *const ModuleDescriptor) -> Result<&'a [u8], InstantiationError> {
    if desc.is_null() {
        return Err(InstantiationError::new("null module descriptor"));
    }
    // SAFETY: caller guarantees validity.
    let d = unsafe { &*desc };
    if d.abi_version != ABI_VERSION {
        return Err(InstantiationError::new(format!(
            "module was compiled for ABI version {}, runtime supports {ABI_VERSION}",
            d.abi_version
        )));
    }
    if d.info_len == 0 {
        return Ok(&[]);
    }
    // SAFETY: the descriptor's info points to info_len bytes of constant data.
    Ok(unsafe { core::slice::from_raw_parts(d.info, d.info_len) })
}

/// A descriptor inconsistent with its info (`why`).
fn inconsistent(why: &str) -> InstantiationError {
    InstantiationError::new(format!("inconsistent module descriptor: {why}"))
}

/// The descriptor's entry counts against the info (so that instantiation reads no entry
/// past them). The info's own consistency ([`ModuleInfo::check`]) is checked where it is
/// made: by `from_descriptor` at run time, by `include_wasm!` for a static info.
fn validate(info: &ModuleInfo, d: &ModuleDescriptor) -> Result<(), InstantiationError> {
    let bad = |m: &str| Err(inconsistent(m));
    let nimp = info.num_imported_funcs as usize;
    if info.funcs.len().checked_sub(nimp) != Some(d.num_funcs) {
        return bad("defined function count differs");
    }
    if d.num_import_stubs != nimp {
        return bad("import stub count differs");
    }
    Ok(())
}
