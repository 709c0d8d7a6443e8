//! The one list of `wasi_snapshot_preview1` functions: from it come the typed functions of
//! [`crate::preview1`] (used by `include_wasm!` bindings) and the table behind
//! [`crate::wasi_func`] (host `Func`s for the JIT / untyped API).

use wasmlite_rt::{Caller, Trap, Val, ValType};

use crate::ctx::WasiCtx;

/// One WASI function: its wasm type and a dynamic entry.
pub(crate) struct FuncDef {
    pub(crate) name: &'static str,
    pub(crate) params: &'static [ValType],
    pub(crate) results: &'static [ValType],
    pub(crate) call: DynCall,
}

/// Dynamic entry: arguments as `Val`s; `Some(errno)` or `None` (no result).
pub(crate) type DynCall = fn(&mut WasiCtx, &mut Caller<'_>, &[Val]) -> Result<Option<i32>, Trap>;

macro_rules! vt {
    (i32) => {
        ValType::I32
    };
    (i64) => {
        ValType::I64
    };
}

/// Fetch the next dynamic argument as `T` (types were checked when the `Func` was made).
pub(crate) fn arg<'a, T: wasmlite_rt::WasmTy>(it: &mut impl Iterator<Item = &'a Val>) -> Result<T, Trap> {
    match it.next() {
        Some(v) if v.ty() == T::valtype() => Ok(T::from_raw(v.to_raw())),
        _ => Err(Trap::host("WASI function called with arguments of the wrong type")),
    }
}

macro_rules! wasi_functions {
    ($( $name:ident ( $($arg:ident : $ty:ident),* ) -> $res:ident; )*) => {
        /// The `wasi_snapshot_preview1` functions with the signatures `include_wasm!` generates
        /// for imports (`(ctx, caller, params...) -> Result<results, Trap>`). Each returns the
        /// WASI errno (0 = success), except `proc_exit`, which ends the program with a trap
        /// (see [`crate::exit_code`]).
        pub mod preview1 {
            #[allow(unused_imports)]
            use wasmlite_rt::{Caller, Trap};
            use crate::ctx::WasiCtx;
            $(
                wasi_functions!(@typed $name ( $($arg : $ty),* ) -> $res);
            )*
        }

        pub(crate) const FUNCS: &[FuncDef] = &[
            $(
                FuncDef {
                    name: stringify!($name),
                    params: &[$(vt!($ty)),*],
                    results: wasi_functions!(@results $res),
                    call: |ctx, caller, params| {
                        #[allow(unused_mut, unused_variables)]
                        let mut it = params.iter();
                        $(let $arg: $ty = arg(&mut it)?;)*
                        wasi_functions!(@wrap $res, preview1::$name(ctx, caller, $($arg),*))
                    },
                },
            )*
        ];
    };
    (@typed $name:ident ( $($arg:ident : $ty:ident),* ) -> errno) => {
        #[doc = concat!("`wasi_snapshot_preview1`.`", stringify!($name), "`; returns the errno.")]
        #[allow(clippy::too_many_arguments)]
        pub fn $name(ctx: &mut WasiCtx, caller: &mut Caller<'_>, $($arg: $ty),*) -> Result<i32, Trap> {
            ctx.dispatch(caller, |st, mem| crate::imp::$name(st, mem, $($arg as _),*))
        }
    };
    (@typed $name:ident ( $($arg:ident : $ty:ident),* ) -> none) => {
        #[doc = concat!("`wasi_snapshot_preview1`.`", stringify!($name), "`.")]
        pub fn $name(ctx: &mut WasiCtx, caller: &mut Caller<'_>, $($arg: $ty),*) -> Result<(), Trap> {
            ctx.dispatch(caller, |st, mem| crate::imp::$name(st, mem, $($arg as _),*)).map(|_| ())
        }
    };
    (@results errno) => { &[ValType::I32] };
    (@results none) => { &[] };
    (@wrap errno, $e:expr) => { $e.map(Some) };
    (@wrap none, $e:expr) => { $e.map(|()| None) };
}

wasi_functions! {
    args_get(argv: i32, argv_buf: i32) -> errno;
    args_sizes_get(argc: i32, argv_buf_size: i32) -> errno;
    environ_get(environ: i32, environ_buf: i32) -> errno;
    environ_sizes_get(count: i32, buf_size: i32) -> errno;
    clock_res_get(id: i32, resolution: i32) -> errno;
    clock_time_get(id: i32, precision: i64, time: i32) -> errno;
    fd_advise(fd: i32, offset: i64, len: i64, advice: i32) -> errno;
    fd_allocate(fd: i32, offset: i64, len: i64) -> errno;
    fd_close(fd: i32) -> errno;
    fd_datasync(fd: i32) -> errno;
    fd_fdstat_get(fd: i32, stat: i32) -> errno;
    fd_fdstat_set_flags(fd: i32, flags: i32) -> errno;
    fd_fdstat_set_rights(fd: i32, base: i64, inheriting: i64) -> errno;
    fd_filestat_get(fd: i32, stat: i32) -> errno;
    fd_filestat_set_size(fd: i32, size: i64) -> errno;
    fd_filestat_set_times(fd: i32, atim: i64, mtim: i64, fst_flags: i32) -> errno;
    fd_pread(fd: i32, iovs: i32, iovs_len: i32, offset: i64, nread: i32) -> errno;
    fd_prestat_get(fd: i32, prestat: i32) -> errno;
    fd_prestat_dir_name(fd: i32, path: i32, path_len: i32) -> errno;
    fd_pwrite(fd: i32, iovs: i32, iovs_len: i32, offset: i64, nwritten: i32) -> errno;
    fd_read(fd: i32, iovs: i32, iovs_len: i32, nread: i32) -> errno;
    fd_readdir(fd: i32, buf: i32, buf_len: i32, cookie: i64, bufused: i32) -> errno;
    fd_renumber(fd: i32, to: i32) -> errno;
    fd_seek(fd: i32, offset: i64, whence: i32, newoffset: i32) -> errno;
    fd_sync(fd: i32) -> errno;
    fd_tell(fd: i32, offset: i32) -> errno;
    fd_write(fd: i32, iovs: i32, iovs_len: i32, nwritten: i32) -> errno;
    path_create_directory(fd: i32, path: i32, path_len: i32) -> errno;
    path_filestat_get(fd: i32, flags: i32, path: i32, path_len: i32, stat: i32) -> errno;
    path_filestat_set_times(fd: i32, flags: i32, path: i32, path_len: i32, atim: i64, mtim: i64, fst_flags: i32) -> errno;
    path_link(old_fd: i32, old_flags: i32, old_path: i32, old_path_len: i32, new_fd: i32, new_path: i32, new_path_len: i32) -> errno;
    path_open(fd: i32, dirflags: i32, path: i32, path_len: i32, oflags: i32, fs_rights_base: i64, fs_rights_inheriting: i64, fdflags: i32, opened_fd: i32) -> errno;
    path_readlink(fd: i32, path: i32, path_len: i32, buf: i32, buf_len: i32, bufused: i32) -> errno;
    path_remove_directory(fd: i32, path: i32, path_len: i32) -> errno;
    path_rename(fd: i32, old_path: i32, old_path_len: i32, new_fd: i32, new_path: i32, new_path_len: i32) -> errno;
    path_symlink(old_path: i32, old_path_len: i32, fd: i32, new_path: i32, new_path_len: i32) -> errno;
    path_unlink_file(fd: i32, path: i32, path_len: i32) -> errno;
    poll_oneoff(subscriptions: i32, events: i32, nsubscriptions: i32, nevents: i32) -> errno;
    proc_exit(code: i32) -> none;
    proc_raise(signal: i32) -> errno;
    sched_yield() -> errno;
    random_get(buf: i32, buf_len: i32) -> errno;
    sock_accept(fd: i32, flags: i32, opened_fd: i32) -> errno;
    sock_recv(fd: i32, ri_data: i32, ri_data_len: i32, ri_flags: i32, ro_datalen: i32, ro_flags: i32) -> errno;
    sock_send(fd: i32, si_data: i32, si_data_len: i32, si_flags: i32, so_datalen: i32) -> errno;
    sock_shutdown(fd: i32, how: i32) -> errno;
}
