//! The bodies of the `wasi_snapshot_preview1` functions. Each takes the state, the guest
//! memory and the arguments (reinterpreted as the witx types) and returns `Ok` (errno 0), an
//! errno, or a trap.
#![allow(clippy::too_many_arguments)] // the arities are those of the witx signatures

use std::ffi::OsStr;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::Duration;

use cap_fs_ext::{DirExt, FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt, SystemTimeSpec};
use cap_std::fs::{FileExt, FileTypeExt, Metadata, MetadataExt, OpenOptions};
use wasmlite_rt::Trap;

use crate::ctx::{Desc, DirDesc, Error, FileDesc, Stream, WasiState};
use crate::mem::GuestMem;
use crate::types::*;

type R = Result<(), Error>;

// ---------------------------------------------------------------- args, environment

fn sizes_get(m: &mut GuestMem<'_>, list: &[Vec<u8>], count_ptr: u32, size_ptr: u32) -> R {
    let size: usize = list.iter().map(|a| a.len() + 1).sum();
    m.write_u32(count_ptr, u32::try_from(list.len()).map_err(|_| Errno::OVERFLOW)?)?;
    m.write_u32(size_ptr, u32::try_from(size).map_err(|_| Errno::OVERFLOW)?)?;
    Ok(())
}

fn list_get(m: &mut GuestMem<'_>, list: &[Vec<u8>], ptrs: u32, buf: u32) -> R {
    let mut off = buf;
    for (i, a) in list.iter().enumerate() {
        let slot = ptrs.checked_add(4 * i as u32).ok_or(Errno::FAULT)?;
        m.write_u32(slot, off)?;
        m.write_bytes(off, a)?;
        let end = off.checked_add(a.len() as u32).ok_or(Errno::FAULT)?;
        m.write_u8(end, 0)?;
        off = end.checked_add(1).ok_or(Errno::FAULT)?;
    }
    Ok(())
}

pub(crate) fn args_sizes_get(st: &mut WasiState, m: &mut GuestMem<'_>, argc: u32, size: u32) -> R {
    sizes_get(m, &st.args, argc, size)
}
pub(crate) fn args_get(st: &mut WasiState, m: &mut GuestMem<'_>, argv: u32, buf: u32) -> R {
    list_get(m, &st.args, argv, buf)
}
pub(crate) fn environ_sizes_get(st: &mut WasiState, m: &mut GuestMem<'_>, count: u32, size: u32) -> R {
    sizes_get(m, &st.env, count, size)
}
pub(crate) fn environ_get(st: &mut WasiState, m: &mut GuestMem<'_>, environ: u32, buf: u32) -> R {
    list_get(m, &st.env, environ, buf)
}

// ---------------------------------------------------------------- clocks, random, sched

fn clock_of(id: u32) -> Result<rustix::time::ClockId, Errno> {
    use rustix::time::ClockId;
    Ok(match id {
        clockid::REALTIME => ClockId::Realtime,
        clockid::MONOTONIC => ClockId::Monotonic,
        clockid::PROCESS_CPUTIME_ID => ClockId::ProcessCPUTime,
        clockid::THREAD_CPUTIME_ID => ClockId::ThreadCPUTime,
        _ => return Err(Errno::INVAL),
    })
}

fn nanos(t: rustix::time::Timespec) -> u64 {
    (t.tv_sec as u64).wrapping_mul(1_000_000_000).wrapping_add(t.tv_nsec as u64)
}

fn now(id: u32) -> Result<u64, Errno> {
    Ok(nanos(rustix::time::clock_gettime(clock_of(id)?)))
}

pub(crate) fn clock_res_get(_: &mut WasiState, m: &mut GuestMem<'_>, id: u32, res: u32) -> R {
    let r = nanos(rustix::time::clock_getres(clock_of(id)?)).max(1);
    m.write_u64(res, r)?;
    Ok(())
}

pub(crate) fn clock_time_get(_: &mut WasiState, m: &mut GuestMem<'_>, id: u32, _precision: u64, time: u32) -> R {
    m.write_u64(time, now(id)?)?;
    Ok(())
}

pub(crate) fn random_get(_: &mut WasiState, m: &mut GuestMem<'_>, buf: u32, len: u32) -> R {
    let b = m.bytes_mut(buf, len)?;
    getrandom::fill(b).map_err(|_| Errno::IO)?;
    Ok(())
}

pub(crate) fn sched_yield(_: &mut WasiState, _: &mut GuestMem<'_>) -> R {
    std::thread::yield_now();
    Ok(())
}

/// Ends the program with a `TrapKind::Exit(code)` trap.
pub(crate) fn proc_exit(st: &mut WasiState, _: &mut GuestMem<'_>, code: u32) -> R {
    st.exit_code = Some(code);
    Err(Error::Trap(Trap::exit(code)))
}

pub(crate) fn proc_raise(_: &mut WasiState, _: &mut GuestMem<'_>, _sig: u32) -> R {
    Err(Errno::NOSYS.into())
}

// ---------------------------------------------------------------- descriptors

pub(crate) fn fd_close(st: &mut WasiState, _: &mut GuestMem<'_>, fd: u32) -> R {
    st.get(fd)?;
    st.fds[fd as usize] = None;
    Ok(())
}

pub(crate) fn fd_renumber(st: &mut WasiState, _: &mut GuestMem<'_>, from: u32, to: u32) -> R {
    st.get(from)?;
    st.get(to)?;
    if from != to {
        let d = st.fds[from as usize].take();
        st.fds[to as usize] = d;
    }
    Ok(())
}

fn filetype_of(m: &Metadata) -> u8 {
    let t = m.file_type();
    if t.is_dir() {
        filetype::DIRECTORY
    } else if t.is_file() {
        filetype::REGULAR_FILE
    } else if t.is_symlink() {
        filetype::SYMBOLIC_LINK
    } else if t.is_char_device() {
        filetype::CHARACTER_DEVICE
    } else if t.is_block_device() {
        filetype::BLOCK_DEVICE
    } else if t.is_socket() {
        filetype::SOCKET_STREAM
    } else {
        filetype::UNKNOWN
    }
}

pub(crate) fn fd_fdstat_get(st: &mut WasiState, m: &mut GuestMem<'_>, fd: u32, out: u32) -> R {
    let (ft, flags, base, inheriting) = match st.get(fd)? {
        Desc::Stream(s) => {
            let ft = if s.is_terminal() { filetype::CHARACTER_DEVICE } else { filetype::UNKNOWN };
            let rw = if s.readable() { rights::FD_READ } else { rights::FD_WRITE };
            (ft, 0, rw | rights::POLL_FD_READWRITE | rights::FD_FILESTAT_GET, 0)
        }
        Desc::File(f) => {
            let ft = filetype_of(&f.file.metadata()?);
            let flags = if f.append { fdflags::APPEND } else { 0 };
            (ft, flags, rights::file(f.read, f.write), 0)
        }
        Desc::Dir(_) => (filetype::DIRECTORY, 0, rights::DIR, rights::DIR_INHERITING),
    };
    m.write_bytes(out, &[0u8; 24])?;
    m.write_u8(out, ft)?;
    m.write_u16(out + 2, flags)?;
    m.write_u64(out + 8, base)?;
    m.write_u64(out + 16, inheriting)?;
    Ok(())
}

pub(crate) fn fd_fdstat_set_flags(st: &mut WasiState, _: &mut GuestMem<'_>, fd: u32, flags: u16) -> R {
    match st.get_mut(fd)? {
        Desc::File(f) => {
            if flags & !(fdflags::APPEND | fdflags::NONBLOCK) != 0 {
                return Err(Errno::NOTSUP.into());
            }
            f.append = flags & fdflags::APPEND != 0;
            Ok(())
        }
        _ if flags & !fdflags::NONBLOCK == 0 => Ok(()),
        _ => Err(Errno::NOTSUP.into()),
    }
}

pub(crate) fn fd_fdstat_set_rights(st: &mut WasiState, _: &mut GuestMem<'_>, fd: u32, _base: u64, _inh: u64) -> R {
    // Rights only ever shrink in WASI; this implementation does not enforce rights beyond the
    // open mode, so dropping them is a no-op.
    st.get(fd)?;
    Ok(())
}

fn write_filestat(m: &mut GuestMem<'_>, out: u32, md: Option<&Metadata>, ft: u8) -> R {
    m.write_bytes(out, &[0u8; 64])?;
    m.write_u8(out + 16, ft)?;
    if let Some(md) = md {
        let t = |s: i64, ns: i64| (s as u64).wrapping_mul(1_000_000_000).wrapping_add(ns as u64);
        m.write_u64(out, md.dev())?;
        m.write_u64(out + 8, md.ino())?;
        m.write_u64(out + 24, md.nlink())?;
        m.write_u64(out + 32, md.size())?;
        m.write_u64(out + 40, t(md.atime(), md.atime_nsec()))?;
        m.write_u64(out + 48, t(md.mtime(), md.mtime_nsec()))?;
        m.write_u64(out + 56, t(md.ctime(), md.ctime_nsec()))?;
    }
    Ok(())
}

pub(crate) fn fd_filestat_get(st: &mut WasiState, m: &mut GuestMem<'_>, fd: u32, out: u32) -> R {
    match st.get(fd)? {
        Desc::Stream(s) => {
            let ft = if s.is_terminal() { filetype::CHARACTER_DEVICE } else { filetype::UNKNOWN };
            write_filestat(m, out, None, ft)
        }
        Desc::File(f) => {
            let md = f.file.metadata()?;
            write_filestat(m, out, Some(&md), filetype_of(&md))
        }
        Desc::Dir(d) => {
            let md = d.dir.dir_metadata()?;
            write_filestat(m, out, Some(&md), filetype::DIRECTORY)
        }
    }
}

fn file(st: &mut WasiState, fd: u32) -> Result<&mut FileDesc, Errno> {
    match st.get_mut(fd)? {
        Desc::File(f) => Ok(f),
        Desc::Dir(_) => Err(Errno::ISDIR),
        Desc::Stream(_) => Err(Errno::SPIPE),
    }
}

pub(crate) fn fd_filestat_set_size(st: &mut WasiState, _: &mut GuestMem<'_>, fd: u32, size: u64) -> R {
    let f = file(st, fd)?;
    if !f.write {
        return Err(Errno::BADF.into());
    }
    f.file.set_len(size)?;
    Ok(())
}

fn time_spec(t: u64, set: bool, now: bool) -> Result<Option<SystemTimeSpec>, Errno> {
    match (set, now) {
        (true, true) => Err(Errno::INVAL),
        (false, true) => Ok(Some(SystemTimeSpec::SymbolicNow)),
        (true, false) => {
            let st = std::time::UNIX_EPOCH + Duration::from_nanos(t);
            Ok(Some(SystemTimeSpec::Absolute(cap_std::time::SystemTime::from_std(st))))
        }
        (false, false) => Ok(None),
    }
}

fn times(atim: u64, mtim: u64, fst: u16) -> Result<(Option<SystemTimeSpec>, Option<SystemTimeSpec>), Errno> {
    Ok((
        time_spec(atim, fst & fstflags::ATIM != 0, fst & fstflags::ATIM_NOW != 0)?,
        time_spec(mtim, fst & fstflags::MTIM != 0, fst & fstflags::MTIM_NOW != 0)?,
    ))
}

fn std_time(s: Option<SystemTimeSpec>) -> Option<std::time::SystemTime> {
    s.map(|s| match s {
        SystemTimeSpec::SymbolicNow => std::time::SystemTime::now(),
        SystemTimeSpec::Absolute(t) => t.into_std(),
    })
}

pub(crate) fn fd_filestat_set_times(st: &mut WasiState, _: &mut GuestMem<'_>, fd: u32, atim: u64, mtim: u64, fst: u16) -> R {
    let (a, mt) = times(atim, mtim, fst)?;
    let mut ft = std::fs::FileTimes::new();
    if let Some(a) = std_time(a) {
        ft = ft.set_accessed(a);
    }
    if let Some(mt) = std_time(mt) {
        ft = ft.set_modified(mt);
    }
    match st.get(fd)? {
        Desc::File(f) => f.file.try_clone()?.into_std().set_times(ft)?,
        Desc::Dir(d) => d.dir.try_clone()?.into_std_file().set_times(ft)?,
        Desc::Stream(_) => return Err(Errno::BADF.into()),
    }
    Ok(())
}

pub(crate) fn fd_advise(st: &mut WasiState, _: &mut GuestMem<'_>, fd: u32, _off: u64, _len: u64, advice: u8) -> R {
    file(st, fd)?;
    if advice > 5 {
        return Err(Errno::INVAL.into());
    }
    Ok(())
}

pub(crate) fn fd_allocate(st: &mut WasiState, _: &mut GuestMem<'_>, fd: u32, off: u64, len: u64) -> R {
    let f = file(st, fd)?;
    let end = off.checked_add(len).ok_or(Errno::FBIG)?;
    if f.file.metadata()?.len() < end {
        f.file.set_len(end)?;
    }
    Ok(())
}

pub(crate) fn fd_sync(st: &mut WasiState, _: &mut GuestMem<'_>, fd: u32) -> R {
    match st.get_mut(fd)? {
        Desc::File(f) => f.file.sync_all()?,
        Desc::Dir(d) => d.dir.try_clone()?.into_std_file().sync_all()?,
        Desc::Stream(_) => return Err(Errno::INVAL.into()),
    }
    Ok(())
}

pub(crate) fn fd_datasync(st: &mut WasiState, _: &mut GuestMem<'_>, fd: u32) -> R {
    match st.get_mut(fd)? {
        Desc::File(f) => f.file.sync_data()?,
        Desc::Dir(d) => d.dir.try_clone()?.into_std_file().sync_data()?,
        Desc::Stream(_) => return Err(Errno::INVAL.into()),
    }
    Ok(())
}

// ---------------------------------------------------------------- read/write/seek

/// Read from the host's stdin without std's buffer (so `poll_oneoff` on fd 0 sees exactly
/// the data the guest has not read yet).
fn read_stdin(buf: &mut [u8]) -> io::Result<usize> {
    let stdin = io::stdin();
    loop {
        match rustix::io::read(&stdin, &mut *buf) {
            Ok(n) => return Ok(n),
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// Fill the iovecs one after the other with `read` (directly in guest memory); stops at the
/// first short read. An error after some bytes were read ends the call with those bytes.
fn read_iovecs(m: &mut GuestMem<'_>, iovs: u32, n: u32, mut read: impl FnMut(&mut [u8], u64) -> io::Result<usize>) -> Result<u32, Error> {
    let mut total = 0u64;
    for (p, len) in m.iovecs(iovs, n)? {
        let buf = m.bytes_mut(p, len)?;
        match read(buf, total) {
            Ok(got) => {
                total += got as u64;
                if got < len as usize {
                    break;
                }
            }
            Err(e) if total == 0 => return Err(e.into()),
            Err(_) => break,
        }
    }
    Ok(u32::try_from(total).unwrap_or(u32::MAX))
}

/// Write the iovecs one after the other with `write` (directly from guest memory).
fn write_iovecs(m: &GuestMem<'_>, iovs: u32, n: u32, mut write: impl FnMut(&[u8], u64) -> io::Result<()>) -> Result<u32, Error> {
    let mut total = 0u64;
    for (p, len) in m.iovecs(iovs, n)? {
        match write(m.bytes(p, len)?, total) {
            Ok(()) => total += len as u64,
            Err(e) if total == 0 => return Err(e.into()),
            Err(_) => break,
        }
    }
    Ok(u32::try_from(total).unwrap_or(u32::MAX))
}

pub(crate) fn fd_read(st: &mut WasiState, m: &mut GuestMem<'_>, fd: u32, iovs: u32, n: u32, nread: u32) -> R {
    let got = match st.get_mut(fd)? {
        Desc::Stream(Stream::Stdin) => read_iovecs(m, iovs, n, |b, _| read_stdin(b))?,
        Desc::Stream(Stream::Reader(r)) => read_iovecs(m, iovs, n, |b, _| r.read(b))?,
        Desc::Stream(_) => return Err(Errno::BADF.into()),
        Desc::File(f) if f.read => read_iovecs(m, iovs, n, |b, _| f.file.read(b))?,
        Desc::File(_) => return Err(Errno::BADF.into()),
        Desc::Dir(_) => return Err(Errno::ISDIR.into()),
    };
    m.write_u32(nread, got)?;
    Ok(())
}

pub(crate) fn fd_pread(st: &mut WasiState, m: &mut GuestMem<'_>, fd: u32, iovs: u32, n: u32, off: u64, nread: u32) -> R {
    let f = file(st, fd)?;
    if !f.read {
        return Err(Errno::BADF.into());
    }
    let got = read_iovecs(m, iovs, n, |b, done| f.file.read_at(b, off.saturating_add(done)))?;
    m.write_u32(nread, got)?;
    Ok(())
}

pub(crate) fn fd_write(st: &mut WasiState, m: &mut GuestMem<'_>, fd: u32, iovs: u32, n: u32, nwritten: u32) -> R {
    let done = match st.get_mut(fd)? {
        Desc::Stream(Stream::Stdout) => {
            let mut out = io::stdout().lock();
            let n = write_iovecs(m, iovs, n, |b, _| out.write_all(b))?;
            out.flush()?;
            n
        }
        Desc::Stream(Stream::Stderr) => write_iovecs(m, iovs, n, |b, _| io::stderr().lock().write_all(b))?,
        Desc::Stream(Stream::Writer(w)) => {
            let n = write_iovecs(m, iovs, n, |b, _| w.write_all(b))?;
            w.flush()?;
            n
        }
        Desc::Stream(_) => return Err(Errno::BADF.into()),
        Desc::File(f) if f.write => {
            if f.append {
                f.file.seek(SeekFrom::End(0))?;
            }
            write_iovecs(m, iovs, n, |b, _| f.file.write_all(b))?
        }
        Desc::File(_) => return Err(Errno::BADF.into()),
        Desc::Dir(_) => return Err(Errno::ISDIR.into()),
    };
    m.write_u32(nwritten, done)?;
    Ok(())
}

pub(crate) fn fd_pwrite(st: &mut WasiState, m: &mut GuestMem<'_>, fd: u32, iovs: u32, n: u32, off: u64, nwritten: u32) -> R {
    let f = file(st, fd)?;
    if !f.write {
        return Err(Errno::BADF.into());
    }
    let done = write_iovecs(m, iovs, n, |b, done| f.file.write_all_at(b, off.saturating_add(done)))?;
    m.write_u32(nwritten, done)?;
    Ok(())
}

pub(crate) fn fd_seek(st: &mut WasiState, m: &mut GuestMem<'_>, fd: u32, off: i64, wh: u8, newoff: u32) -> R {
    let f = file(st, fd)?;
    let pos = match wh {
        whence::SET => SeekFrom::Start(u64::try_from(off).map_err(|_| Errno::INVAL)?),
        whence::CUR => SeekFrom::Current(off),
        whence::END => SeekFrom::End(off),
        _ => return Err(Errno::INVAL.into()),
    };
    let p = f.file.seek(pos)?;
    m.write_u64(newoff, p)?;
    Ok(())
}

pub(crate) fn fd_tell(st: &mut WasiState, m: &mut GuestMem<'_>, fd: u32, out: u32) -> R {
    let f = file(st, fd)?;
    let p = f.file.stream_position()?;
    m.write_u64(out, p)?;
    Ok(())
}

// ---------------------------------------------------------------- preopens, readdir

pub(crate) fn fd_prestat_get(st: &mut WasiState, m: &mut GuestMem<'_>, fd: u32, out: u32) -> R {
    match st.get(fd)? {
        Desc::Dir(DirDesc { preopen: Some(name), .. }) => {
            m.write_u32(out, 0)?; // tag 0 = dir (and padding)
            m.write_u32(out + 4, name.len() as u32)?;
            Ok(())
        }
        _ => Err(Errno::BADF.into()),
    }
}

pub(crate) fn fd_prestat_dir_name(st: &mut WasiState, m: &mut GuestMem<'_>, fd: u32, path: u32, len: u32) -> R {
    match st.get(fd)? {
        Desc::Dir(DirDesc { preopen: Some(name), .. }) => {
            if (len as usize) < name.len() {
                return Err(Errno::NAMETOOLONG.into());
            }
            m.write_bytes(path, name.as_bytes())?;
            Ok(())
        }
        _ => Err(Errno::BADF.into()),
    }
}

pub(crate) fn fd_readdir(st: &mut WasiState, m: &mut GuestMem<'_>, fd: u32, buf: u32, len: u32, cookie: u64, used: u32) -> R {
    let dir = st.dir(fd)?;
    let self_md = dir.dir_metadata()?;
    // "." and "..", then the entries sorted by name, so cookies (indices) are stable.
    let mut entries: Vec<(Vec<u8>, u64, u8)> = vec![(b".".to_vec(), self_md.ino(), filetype::DIRECTORY), (b"..".to_vec(), 0, filetype::DIRECTORY)];
    let mut rest = Vec::new();
    for e in dir.entries()? {
        let e = e?;
        let ft = e.file_type()?;
        let t = if ft.is_dir() {
            filetype::DIRECTORY
        } else if ft.is_file() {
            filetype::REGULAR_FILE
        } else if ft.is_symlink() {
            filetype::SYMBOLIC_LINK
        } else if ft.is_char_device() {
            filetype::CHARACTER_DEVICE
        } else if ft.is_block_device() {
            filetype::BLOCK_DEVICE
        } else {
            filetype::UNKNOWN
        };
        rest.push((e.file_name().as_bytes().to_vec(), std::os::unix::fs::DirEntryExt::ino(&e), t));
    }
    rest.sort();
    entries.extend(rest);
    let mut out = Vec::new();
    for (i, (name, ino, t)) in entries.iter().enumerate().skip(usize::try_from(cookie).unwrap_or(usize::MAX)) {
        if out.len() >= len as usize {
            break;
        }
        out.extend_from_slice(&(i as u64 + 1).to_le_bytes());
        out.extend_from_slice(&ino.to_le_bytes());
        out.extend_from_slice(&(name.len() as u32).to_le_bytes());
        out.extend_from_slice(&[*t, 0, 0, 0]);
        out.extend_from_slice(name);
    }
    out.truncate(len as usize);
    m.write_bytes(buf, &out)?;
    m.write_u32(used, out.len() as u32)?;
    Ok(())
}

// ---------------------------------------------------------------- paths

fn path<'m>(m: &'m GuestMem<'_>, ptr: u32, len: u32) -> Result<&'m Path, Errno> {
    let b = m.bytes(ptr, len)?;
    if b.contains(&0) {
        return Err(Errno::INVAL);
    }
    Ok(Path::new(OsStr::from_bytes(b)))
}

pub(crate) fn path_create_directory(st: &mut WasiState, m: &mut GuestMem<'_>, fd: u32, p: u32, len: u32) -> R {
    st.dir(fd)?.create_dir(path(m, p, len)?)?;
    Ok(())
}

pub(crate) fn path_remove_directory(st: &mut WasiState, m: &mut GuestMem<'_>, fd: u32, p: u32, len: u32) -> R {
    st.dir(fd)?.remove_dir(path(m, p, len)?)?;
    Ok(())
}

pub(crate) fn path_unlink_file(st: &mut WasiState, m: &mut GuestMem<'_>, fd: u32, p: u32, len: u32) -> R {
    st.dir(fd)?.remove_file_or_symlink(path(m, p, len)?)?;
    Ok(())
}

pub(crate) fn path_filestat_get(st: &mut WasiState, m: &mut GuestMem<'_>, fd: u32, flags: u32, p: u32, len: u32, out: u32) -> R {
    let dir = st.dir(fd)?;
    let pth = path(m, p, len)?;
    let md = if flags & lookupflags::SYMLINK_FOLLOW != 0 { dir.metadata(pth)? } else { dir.symlink_metadata(pth)? };
    write_filestat(m, out, Some(&md), filetype_of(&md))
}

pub(crate) fn path_filestat_set_times(
    st: &mut WasiState,
    m: &mut GuestMem<'_>,
    fd: u32,
    flags: u32,
    p: u32,
    len: u32,
    atim: u64,
    mtim: u64,
    fst: u16,
) -> R {
    let dir = st.dir(fd)?;
    let pth = path(m, p, len)?;
    let (a, mt) = times(atim, mtim, fst)?;
    if flags & lookupflags::SYMLINK_FOLLOW != 0 {
        dir.set_times(pth, a, mt)?;
    } else {
        dir.set_symlink_times(pth, a, mt)?;
    }
    Ok(())
}

pub(crate) fn path_link(
    st: &mut WasiState,
    m: &mut GuestMem<'_>,
    old_fd: u32,
    _flags: u32,
    old: u32,
    old_len: u32,
    new_fd: u32,
    new: u32,
    new_len: u32,
) -> R {
    let (od, nd) = (st.dir(old_fd)?, st.dir(new_fd)?);
    od.hard_link(path(m, old, old_len)?, nd, path(m, new, new_len)?)?;
    Ok(())
}

pub(crate) fn path_rename(st: &mut WasiState, m: &mut GuestMem<'_>, fd: u32, old: u32, old_len: u32, new_fd: u32, new: u32, new_len: u32) -> R {
    let (od, nd) = (st.dir(fd)?, st.dir(new_fd)?);
    od.rename(path(m, old, old_len)?, nd, path(m, new, new_len)?)?;
    Ok(())
}

pub(crate) fn path_symlink(st: &mut WasiState, m: &mut GuestMem<'_>, old: u32, old_len: u32, fd: u32, new: u32, new_len: u32) -> R {
    let target = path(m, old, old_len)?;
    // A link to an absolute path could never be followed inside the sandbox; refuse it.
    if target.is_absolute() {
        return Err(Errno::PERM.into());
    }
    st.dir(fd)?.symlink(target, path(m, new, new_len)?)?;
    Ok(())
}

pub(crate) fn path_readlink(st: &mut WasiState, m: &mut GuestMem<'_>, fd: u32, p: u32, len: u32, buf: u32, buf_len: u32, used: u32) -> R {
    let target = st.dir(fd)?.read_link_contents(path(m, p, len)?)?;
    let b = target.as_os_str().as_bytes();
    let n = b.len().min(buf_len as usize);
    m.write_bytes(buf, &b[..n])?;
    m.write_u32(used, n as u32)?;
    Ok(())
}

pub(crate) fn path_open(
    st: &mut WasiState,
    m: &mut GuestMem<'_>,
    fd: u32,
    dirflags: u32,
    p: u32,
    len: u32,
    oflags: u16,
    base: u64,
    _inheriting: u64,
    fdflags_: u16,
    out: u32,
) -> R {
    let dir = st.dir(fd)?;
    let pth = path(m, p, len)?;
    let follow = if dirflags & lookupflags::SYMLINK_FOLLOW != 0 { FollowSymlinks::Yes } else { FollowSymlinks::No };
    let want_dir = oflags & oflags::DIRECTORY != 0;
    let create = oflags & oflags::CREAT != 0;
    let excl = oflags & oflags::EXCL != 0;
    let trunc = oflags & oflags::TRUNC != 0;
    let append = fdflags_ & fdflags::APPEND != 0;
    // (wasi-libc may leave FD_ALLOCATE in the rights of a read-only open: only FD_WRITE counts.)
    let write = base & rights::FD_WRITE != 0 || append;
    let read = base & (rights::FD_READ | rights::FD_READDIR) != 0 || !write;
    if want_dir && (create || trunc) {
        return Err(Errno::INVAL.into());
    }
    let desc = if want_dir {
        let d = match follow {
            FollowSymlinks::Yes => dir.open_dir(pth)?,
            FollowSymlinks::No => dir.open_dir_nofollow(pth)?,
        };
        Desc::Dir(DirDesc { dir: d, preopen: None })
    } else {
        let mut o = OpenOptions::new();
        o.read(read).write(write || create || trunc).truncate(trunc).follow(follow).maybe_dir(!write && !create && !trunc);
        if excl && create {
            o.create_new(true);
        } else if create {
            o.create(true);
        }
        let f = dir.open_with(pth, &o)?;
        if f.metadata()?.is_dir() {
            Desc::Dir(DirDesc { dir: cap_std::fs::Dir::from_std_file(f.into_std()), preopen: None })
        } else {
            Desc::File(FileDesc { file: f, read, write: write || create || trunc, append })
        }
    };
    let new_fd = st.insert(desc)?;
    if let Err(e) = m.write_u32(out, new_fd) {
        st.fds[new_fd as usize] = None;
        return Err(e.into());
    }
    Ok(())
}

// ---------------------------------------------------------------- poll_oneoff

enum Wait {
    Clock { deadline: u64, clock: u32 },
    Stdin,
    Ready(u64),
    Fail(Errno),
}

pub(crate) fn poll_oneoff(st: &mut WasiState, m: &mut GuestMem<'_>, inp: u32, out: u32, nsubs: u32, nevents: u32) -> R {
    if nsubs == 0 {
        return Err(Errno::INVAL.into());
    }
    // Both arrays must lie in memory before anything is allocated for them.
    m.bytes(inp, nsubs.checked_mul(48).ok_or(Errno::FAULT)?)?;
    m.bytes(out, nsubs.checked_mul(32).ok_or(Errno::FAULT)?)?;
    // Parse the subscriptions (48 bytes each).
    let mut subs: Vec<(u64, u8, Wait)> = Vec::with_capacity(nsubs as usize);
    for i in 0..nsubs {
        let s = inp.checked_add(i.checked_mul(48).ok_or(Errno::FAULT)?).ok_or(Errno::FAULT)?;
        let userdata = m.read_u64(s)?;
        let tag = m.read_u8(s + 8)?;
        let w = match tag {
            eventtype::CLOCK => {
                let clock = m.read_u32(s + 16)?;
                let timeout = m.read_u64(s + 24)?;
                let abs = m.read_u16(s + 40)? & 1 != 0;
                match now(clock) {
                    Ok(t) => Wait::Clock { deadline: if abs { timeout } else { t.saturating_add(timeout) }, clock },
                    Err(e) => Wait::Fail(e),
                }
            }
            eventtype::FD_READ | eventtype::FD_WRITE => {
                let fd = m.read_u32(s + 16)?;
                match st.get_mut(fd) {
                    Err(e) => Wait::Fail(e),
                    Ok(Desc::Stream(Stream::Stdin)) if tag == eventtype::FD_READ => Wait::Stdin,
                    Ok(Desc::File(f)) if tag == eventtype::FD_READ => {
                        let left = match (f.file.metadata(), f.file.stream_position()) {
                            (Ok(md), Ok(pos)) => md.len().saturating_sub(pos),
                            _ => 0,
                        };
                        Wait::Ready(left)
                    }
                    Ok(Desc::Dir(_)) => Wait::Fail(Errno::BADF),
                    Ok(_) => Wait::Ready(0),
                }
            }
            _ => return Err(Errno::INVAL.into()),
        };
        subs.push((userdata, tag, w));
    }

    let immediate = subs.iter().any(|(_, _, w)| matches!(w, Wait::Ready(_) | Wait::Fail(_)));
    let mut stdin_ready = false;
    if !immediate {
        // Sleep until the earliest clock deadline, or until stdin becomes readable.
        let mut timeout: Option<u64> = None;
        for (_, _, w) in &subs {
            if let Wait::Clock { deadline, clock } = w {
                let left = deadline.saturating_sub(now(*clock)?);
                timeout = Some(timeout.map_or(left, |t: u64| t.min(left)));
            }
        }
        let wants_stdin = subs.iter().any(|(_, _, w)| matches!(w, Wait::Stdin));
        if wants_stdin {
            let stdin = io::stdin();
            let ts = timeout.map(|ns| rustix::time::Timespec { tv_sec: (ns / 1_000_000_000) as i64, tv_nsec: (ns % 1_000_000_000) as _ });
            let mut fds = [rustix::event::PollFd::new(&stdin, rustix::event::PollFlags::IN)];
            loop {
                match rustix::event::poll(&mut fds, ts.as_ref()) {
                    Ok(n) => {
                        stdin_ready = n > 0;
                        break;
                    }
                    Err(rustix::io::Errno::INTR) => continue,
                    Err(e) => return Err(Errno::from_host(e.raw_os_error()).into()),
                }
            }
        } else if let Some(ns) = timeout {
            std::thread::sleep(Duration::from_nanos(ns));
        }
    }

    let mut n = 0u32;
    for (userdata, tag, w) in &subs {
        let (err, nbytes) = match w {
            Wait::Ready(b) => (Errno::SUCCESS, *b),
            Wait::Fail(e) => (*e, 0),
            Wait::Stdin if stdin_ready => (Errno::SUCCESS, 1),
            Wait::Clock { deadline, clock } if !immediate && now(*clock)? >= *deadline => (Errno::SUCCESS, 0),
            _ => continue,
        };
        let e = out.checked_add(n * 32).ok_or(Errno::FAULT)?;
        m.write_bytes(e, &[0u8; 32])?;
        m.write_u64(e, *userdata)?;
        m.write_u16(e + 8, err.0)?;
        m.write_u8(e + 10, *tag)?;
        if *tag != eventtype::CLOCK {
            m.write_u64(e + 16, nbytes)?;
        }
        n += 1;
    }
    m.write_u32(nevents, n)?;
    Ok(())
}

// ---------------------------------------------------------------- sockets (not provided)

pub(crate) fn sock_accept(_: &mut WasiState, _: &mut GuestMem<'_>, _fd: u32, _flags: u16, _out: u32) -> R {
    Err(Errno::NOTSUP.into())
}
pub(crate) fn sock_recv(_: &mut WasiState, _: &mut GuestMem<'_>, _fd: u32, _a: u32, _b: u32, _c: u16, _d: u32, _e: u32) -> R {
    Err(Errno::NOTSUP.into())
}
pub(crate) fn sock_send(_: &mut WasiState, _: &mut GuestMem<'_>, _fd: u32, _a: u32, _b: u32, _c: u16, _d: u32) -> R {
    Err(Errno::NOTSUP.into())
}
pub(crate) fn sock_shutdown(_: &mut WasiState, _: &mut GuestMem<'_>, _fd: u32, _how: u8) -> R {
    Err(Errno::NOTSUP.into())
}
