//! WASI preview 1 constants and the errno type (values from the `wasi_snapshot_preview1`
//! witx definitions).

use std::fmt;
use std::io;

/// A WASI errno value (what every `wasi_snapshot_preview1` function returns).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Errno(pub u16);

#[allow(missing_docs)]
impl Errno {
    pub const SUCCESS: Errno = Errno(0);
    pub const TOOBIG: Errno = Errno(1);
    pub const ACCES: Errno = Errno(2);
    pub const AGAIN: Errno = Errno(6);
    pub const BADF: Errno = Errno(8);
    pub const BUSY: Errno = Errno(10);
    pub const EXIST: Errno = Errno(20);
    pub const FAULT: Errno = Errno(21);
    pub const FBIG: Errno = Errno(22);
    pub const ILSEQ: Errno = Errno(25);
    pub const INTR: Errno = Errno(27);
    pub const INVAL: Errno = Errno(28);
    pub const IO: Errno = Errno(29);
    pub const ISDIR: Errno = Errno(31);
    pub const LOOP: Errno = Errno(32);
    pub const MFILE: Errno = Errno(33);
    pub const MLINK: Errno = Errno(34);
    pub const NAMETOOLONG: Errno = Errno(37);
    pub const NFILE: Errno = Errno(41);
    pub const NODEV: Errno = Errno(43);
    pub const NOENT: Errno = Errno(44);
    pub const NOMEM: Errno = Errno(48);
    pub const NOSPC: Errno = Errno(51);
    pub const NOSYS: Errno = Errno(52);
    pub const NOTDIR: Errno = Errno(54);
    pub const NOTEMPTY: Errno = Errno(55);
    pub const NOTSUP: Errno = Errno(58);
    pub const NOTTY: Errno = Errno(59);
    pub const NXIO: Errno = Errno(60);
    pub const OVERFLOW: Errno = Errno(61);
    pub const PERM: Errno = Errno(63);
    pub const PIPE: Errno = Errno(64);
    pub const RANGE: Errno = Errno(68);
    pub const ROFS: Errno = Errno(69);
    pub const SPIPE: Errno = Errno(70);
    pub const TIMEDOUT: Errno = Errno(73);
    pub const TXTBSY: Errno = Errno(74);
    pub const XDEV: Errno = Errno(75);
    pub const NOTCAPABLE: Errno = Errno(76);

    /// The WASI errno for a host `errno` value.
    pub fn from_host(code: i32) -> Errno {
        match code {
            libc::E2BIG => Errno::TOOBIG,
            libc::EACCES => Errno::ACCES,
            libc::EAGAIN => Errno::AGAIN,
            libc::EBADF => Errno::BADF,
            libc::EBUSY => Errno::BUSY,
            libc::EEXIST => Errno::EXIST,
            libc::EFAULT => Errno::FAULT,
            libc::EFBIG => Errno::FBIG,
            libc::EILSEQ => Errno::ILSEQ,
            libc::EINTR => Errno::INTR,
            libc::EINVAL => Errno::INVAL,
            libc::EIO => Errno::IO,
            libc::EISDIR => Errno::ISDIR,
            libc::ELOOP => Errno::LOOP,
            libc::EMFILE => Errno::MFILE,
            libc::EMLINK => Errno::MLINK,
            libc::ENAMETOOLONG => Errno::NAMETOOLONG,
            libc::ENFILE => Errno::NFILE,
            libc::ENODEV => Errno::NODEV,
            libc::ENOENT => Errno::NOENT,
            libc::ENOMEM => Errno::NOMEM,
            libc::ENOSPC => Errno::NOSPC,
            libc::ENOSYS => Errno::NOSYS,
            libc::ENOTDIR => Errno::NOTDIR,
            libc::ENOTEMPTY => Errno::NOTEMPTY,
            libc::EOPNOTSUPP => Errno::NOTSUP,
            libc::ENOTTY => Errno::NOTTY,
            libc::ENXIO => Errno::NXIO,
            libc::EOVERFLOW => Errno::OVERFLOW,
            libc::EPERM => Errno::PERM,
            libc::EPIPE => Errno::PIPE,
            libc::ERANGE => Errno::RANGE,
            libc::EROFS => Errno::ROFS,
            libc::ESPIPE => Errno::SPIPE,
            libc::ETIMEDOUT => Errno::TIMEDOUT,
            libc::ETXTBSY => Errno::TXTBSY,
            libc::EXDEV => Errno::XDEV,
            _ => Errno::IO,
        }
    }
}

impl From<&io::Error> for Errno {
    fn from(e: &io::Error) -> Errno {
        if let Some(code) = e.raw_os_error() {
            return Errno::from_host(code);
        }
        match e.kind() {
            io::ErrorKind::NotFound => Errno::NOENT,
            // cap-std reports a path that would leave its directory (`..`, an absolute path or
            // a symlink pointing outside) as PermissionDenied without an OS error; EPERM, as
            // wasmtime reports it.
            io::ErrorKind::PermissionDenied => Errno::PERM,
            io::ErrorKind::AlreadyExists => Errno::EXIST,
            io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData => Errno::INVAL,
            io::ErrorKind::BrokenPipe => Errno::PIPE,
            io::ErrorKind::WouldBlock => Errno::AGAIN,
            io::ErrorKind::Interrupted => Errno::INTR,
            io::ErrorKind::Unsupported => Errno::NOTSUP,
            io::ErrorKind::OutOfMemory => Errno::NOMEM,
            _ => Errno::IO,
        }
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WASI errno {}", self.0)
    }
}

pub(crate) mod filetype {
    pub const UNKNOWN: u8 = 0;
    pub const BLOCK_DEVICE: u8 = 1;
    pub const CHARACTER_DEVICE: u8 = 2;
    pub const DIRECTORY: u8 = 3;
    pub const REGULAR_FILE: u8 = 4;
    pub const SOCKET_STREAM: u8 = 6;
    pub const SYMBOLIC_LINK: u8 = 7;
}

pub(crate) mod fdflags {
    pub const APPEND: u16 = 1;
    pub const NONBLOCK: u16 = 4;
}

pub(crate) mod oflags {
    pub const CREAT: u16 = 1;
    pub const DIRECTORY: u16 = 2;
    pub const EXCL: u16 = 4;
    pub const TRUNC: u16 = 8;
}

pub(crate) mod lookupflags {
    pub const SYMLINK_FOLLOW: u32 = 1;
}

pub(crate) mod fstflags {
    pub const ATIM: u16 = 1;
    pub const ATIM_NOW: u16 = 2;
    pub const MTIM: u16 = 4;
    pub const MTIM_NOW: u16 = 8;
}

pub(crate) mod whence {
    pub const SET: u8 = 0;
    pub const CUR: u8 = 1;
    pub const END: u8 = 2;
}

pub(crate) mod clockid {
    pub const REALTIME: u32 = 0;
    pub const MONOTONIC: u32 = 1;
    pub const PROCESS_CPUTIME_ID: u32 = 2;
    pub const THREAD_CPUTIME_ID: u32 = 3;
}

pub(crate) mod eventtype {
    pub const CLOCK: u8 = 0;
    pub const FD_READ: u8 = 1;
    pub const FD_WRITE: u8 = 2;
}

/// Rights bits (`rights` in the witx).
pub(crate) mod rights {
    pub const FD_DATASYNC: u64 = 1 << 0;
    pub const FD_READ: u64 = 1 << 1;
    pub const FD_SEEK: u64 = 1 << 2;
    pub const FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
    pub const FD_SYNC: u64 = 1 << 4;
    pub const FD_TELL: u64 = 1 << 5;
    pub const FD_WRITE: u64 = 1 << 6;
    pub const FD_ADVISE: u64 = 1 << 7;
    pub const FD_ALLOCATE: u64 = 1 << 8;
    pub const PATH_CREATE_DIRECTORY: u64 = 1 << 9;
    pub const PATH_CREATE_FILE: u64 = 1 << 10;
    pub const PATH_LINK_SOURCE: u64 = 1 << 11;
    pub const PATH_LINK_TARGET: u64 = 1 << 12;
    pub const PATH_OPEN: u64 = 1 << 13;
    pub const FD_READDIR: u64 = 1 << 14;
    pub const PATH_READLINK: u64 = 1 << 15;
    pub const PATH_RENAME_SOURCE: u64 = 1 << 16;
    pub const PATH_RENAME_TARGET: u64 = 1 << 17;
    pub const PATH_FILESTAT_GET: u64 = 1 << 18;
    pub const PATH_FILESTAT_SET_SIZE: u64 = 1 << 19;
    pub const PATH_FILESTAT_SET_TIMES: u64 = 1 << 20;
    pub const FD_FILESTAT_GET: u64 = 1 << 21;
    pub const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
    pub const FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
    pub const PATH_SYMLINK: u64 = 1 << 24;
    pub const PATH_REMOVE_DIRECTORY: u64 = 1 << 25;
    pub const PATH_UNLINK_FILE: u64 = 1 << 26;
    pub const POLL_FD_READWRITE: u64 = 1 << 27;

    /// Rights of a regular file opened for reading and/or writing.
    pub const fn file(read: bool, write: bool) -> u64 {
        let mut r = FD_SEEK | FD_TELL | FD_FDSTAT_SET_FLAGS | FD_SYNC | FD_DATASYNC | FD_ADVISE | FD_FILESTAT_GET | POLL_FD_READWRITE;
        if read {
            r |= FD_READ;
        }
        if write {
            r |= FD_WRITE | FD_ALLOCATE | FD_FILESTAT_SET_SIZE | FD_FILESTAT_SET_TIMES;
        }
        r
    }

    /// Rights of a directory.
    pub const DIR: u64 = FD_FDSTAT_SET_FLAGS
        | FD_SYNC
        | FD_DATASYNC
        | PATH_CREATE_DIRECTORY
        | PATH_CREATE_FILE
        | PATH_LINK_SOURCE
        | PATH_LINK_TARGET
        | PATH_OPEN
        | FD_READDIR
        | PATH_READLINK
        | PATH_RENAME_SOURCE
        | PATH_RENAME_TARGET
        | PATH_FILESTAT_GET
        | PATH_FILESTAT_SET_SIZE
        | PATH_FILESTAT_SET_TIMES
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_TIMES
        | PATH_SYMLINK
        | PATH_REMOVE_DIRECTORY
        | PATH_UNLINK_FILE;

    /// What a directory hands down to files opened through it.
    pub const DIR_INHERITING: u64 = DIR | file(true, true);
}
