//! [`WasiCtx`], [`WasiCtxBuilder`] and the descriptor table.

use std::cell::RefCell;
use std::io::{self, IsTerminal, Read, Write};
use std::path::Path;
use std::rc::Rc;

use wasmlite_rt::{Caller, Trap};

use crate::mem::{with_memory, GuestMem};
use crate::types::Errno;

/// A standard stream.
pub(crate) enum Stream {
    /// The host process's stdin.
    Stdin,
    /// The host process's stdout.
    Stdout,
    /// The host process's stderr.
    Stderr,
    /// A custom reader.
    Reader(Box<dyn Read>),
    /// A custom writer.
    Writer(Box<dyn Write>),
}

impl Stream {
    pub(crate) fn is_terminal(&self) -> bool {
        match self {
            Stream::Stdin => io::stdin().is_terminal(),
            Stream::Stdout => io::stdout().is_terminal(),
            Stream::Stderr => io::stderr().is_terminal(),
            _ => false,
        }
    }
    pub(crate) fn readable(&self) -> bool {
        matches!(self, Stream::Stdin | Stream::Reader(_))
    }
}

/// An open regular file (or other non-directory).
pub(crate) struct FileDesc {
    pub(crate) file: cap_std::fs::File,
    pub(crate) read: bool,
    pub(crate) write: bool,
    pub(crate) append: bool,
}

/// An open directory; `preopen` is the guest path of a preopened directory.
pub(crate) struct DirDesc {
    pub(crate) dir: cap_std::fs::Dir,
    pub(crate) preopen: Option<String>,
}

/// What a WASI file descriptor refers to.
pub(crate) enum Desc {
    Stream(Stream),
    File(FileDesc),
    Dir(DirDesc),
}

/// The state behind a [`WasiCtx`].
pub(crate) struct WasiState {
    pub(crate) args: Vec<Vec<u8>>,
    pub(crate) env: Vec<Vec<u8>>,
    pub(crate) fds: Vec<Option<Desc>>,
    pub(crate) exit_code: Option<u32>,
}

impl WasiState {
    pub(crate) fn get(&self, fd: u32) -> Result<&Desc, Errno> {
        self.fds.get(fd as usize).and_then(Option::as_ref).ok_or(Errno::BADF)
    }
    pub(crate) fn get_mut(&mut self, fd: u32) -> Result<&mut Desc, Errno> {
        self.fds.get_mut(fd as usize).and_then(Option::as_mut).ok_or(Errno::BADF)
    }
    pub(crate) fn dir(&self, fd: u32) -> Result<&cap_std::fs::Dir, Errno> {
        match self.get(fd)? {
            Desc::Dir(d) => Ok(&d.dir),
            _ => Err(Errno::NOTDIR),
        }
    }
    /// Put `d` at the lowest free descriptor number.
    pub(crate) fn insert(&mut self, d: Desc) -> Result<u32, Errno> {
        let i = match self.fds.iter().position(Option::is_none) {
            Some(i) => i,
            None => {
                self.fds.push(None);
                self.fds.len() - 1
            }
        };
        let fd = u32::try_from(i).map_err(|_| Errno::NFILE)?;
        self.fds[i] = Some(d);
        Ok(fd)
    }
}

/// Internal error of a WASI call: an errno for the guest, or a trap (`proc_exit`, a missing
/// memory).
pub(crate) enum Error {
    Errno(Errno),
    Trap(Trap),
}

impl From<Errno> for Error {
    fn from(e: Errno) -> Error {
        Error::Errno(e)
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        Error::Errno(Errno::from(&e))
    }
}

/// The WASI state of one program: arguments, environment, descriptor table (stdio, preopened
/// directories, open files) and, after `proc_exit`, the exit code.
///
/// A cheap handle: clones share the same state (the JIT/untyped API captures a clone in every
/// host function; an `include_wasm!` host hands it out through `Imports::wasi_ctx`). Not `Send`.
#[derive(Clone)]
pub struct WasiCtx(pub(crate) Rc<RefCell<WasiState>>);

impl std::fmt::Debug for WasiCtx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.try_borrow() {
            Ok(s) => f
                .debug_struct("WasiCtx")
                .field("args", &s.args.len())
                .field("env", &s.env.len())
                .field("open_fds", &s.fds.iter().filter(|d| d.is_some()).count())
                .field("exit_code", &s.exit_code)
                .finish(),
            Err(_) => f.write_str("WasiCtx(<in use>)"),
        }
    }
}

impl WasiCtx {
    /// A builder (no args, no env, empty stdin, discarded stdout/stderr, no directories).
    pub fn builder() -> WasiCtxBuilder {
        WasiCtxBuilder::new()
    }

    /// The code the program passed to `proc_exit`, once it has called it.
    pub fn exit_code(&self) -> Option<u32> {
        self.0.try_borrow().ok().and_then(|s| s.exit_code)
    }

    /// Run one WASI function body with the state and the caller's memory; maps the result to
    /// the errno the guest sees (or a trap).
    pub(crate) fn dispatch(
        &mut self,
        caller: &mut Caller<'_>,
        f: impl FnOnce(&mut WasiState, &mut GuestMem<'_>) -> Result<(), Error>,
    ) -> Result<i32, Trap> {
        let mut st = self.0.try_borrow_mut().map_err(|_| Trap::host("WASI context is already in use (re-entrant WASI call)"))?;
        match with_memory(caller, |m| f(&mut st, m))? {
            Ok(()) => Ok(0),
            Err(Error::Errno(e)) => Ok(e.0 as i32),
            Err(Error::Trap(t)) => Err(t),
        }
    }
}

/// Builds a [`WasiCtx`], like wasmtime-wasi's `WasiCtxBuilder`.
///
/// ```no_run
/// let ctx = wasmlite_wasi::WasiCtx::builder()
///     .arg("prog")
///     .env("HOME", "/")
///     .inherit_stdio()
///     .preopened_dir("/tmp/sandbox", "/data")?
///     .build();
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct WasiCtxBuilder {
    args: Vec<Vec<u8>>,
    env: Vec<Vec<u8>>,
    stdin: Stream,
    stdout: Stream,
    stderr: Stream,
    preopens: Vec<(cap_std::fs::Dir, String)>,
}

impl Default for WasiCtxBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl WasiCtxBuilder {
    /// No args, no env, empty stdin, discarded stdout/stderr, no directories.
    pub fn new() -> WasiCtxBuilder {
        WasiCtxBuilder {
            args: Vec::new(),
            env: Vec::new(),
            stdin: Stream::Reader(Box::new(io::empty())),
            stdout: Stream::Writer(Box::new(io::sink())),
            stderr: Stream::Writer(Box::new(io::sink())),
            preopens: Vec::new(),
        }
    }

    /// Append one argument (`argv[0]` first: conventionally the program name).
    pub fn arg(&mut self, arg: impl AsRef<str>) -> &mut Self {
        self.args.push(arg.as_ref().as_bytes().to_vec());
        self
    }

    /// Append arguments.
    pub fn args<S: AsRef<str>>(&mut self, args: impl IntoIterator<Item = S>) -> &mut Self {
        for a in args {
            self.arg(a);
        }
        self
    }

    /// Add an environment variable `name=value`.
    pub fn env(&mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> &mut Self {
        self.env.push(format!("{}={}", name.as_ref(), value.as_ref()).into_bytes());
        self
    }

    /// Add the host process's environment (variables that are valid UTF-8).
    pub fn inherit_env(&mut self) -> &mut Self {
        for (k, v) in std::env::vars() {
            self.env(k, v);
        }
        self
    }

    /// Use the host process's stdin, stdout and stderr.
    pub fn inherit_stdio(&mut self) -> &mut Self {
        self.inherit_stdin().inherit_stdout().inherit_stderr()
    }

    /// Use the host process's stdin.
    pub fn inherit_stdin(&mut self) -> &mut Self {
        self.stdin = Stream::Stdin;
        self
    }

    /// Use the host process's stdout.
    pub fn inherit_stdout(&mut self) -> &mut Self {
        self.stdout = Stream::Stdout;
        self
    }

    /// Use the host process's stderr.
    pub fn inherit_stderr(&mut self) -> &mut Self {
        self.stderr = Stream::Stderr;
        self
    }

    /// Read the guest's stdin (fd 0) from `r`.
    pub fn stdin(&mut self, r: impl Read + 'static) -> &mut Self {
        self.stdin = Stream::Reader(Box::new(r));
        self
    }

    /// Send the guest's stdout (fd 1) to `w`.
    pub fn stdout(&mut self, w: impl Write + 'static) -> &mut Self {
        self.stdout = Stream::Writer(Box::new(w));
        self
    }

    /// Send the guest's stderr (fd 2) to `w`.
    pub fn stderr(&mut self, w: impl Write + 'static) -> &mut Self {
        self.stderr = Stream::Writer(Box::new(w));
        self
    }

    /// Give the guest the host directory `host_path` under the name `guest_path`. Everything
    /// the guest opens through it stays inside it (`..`, absolute paths and symlinks cannot
    /// leave it: paths are resolved by `cap-std`). Fails if the directory cannot be opened.
    pub fn preopened_dir(&mut self, host_path: impl AsRef<Path>, guest_path: impl AsRef<str>) -> io::Result<&mut Self> {
        let dir = cap_std::fs::Dir::open_ambient_dir(host_path.as_ref(), cap_std::ambient_authority()).map_err(|e| {
            io::Error::new(e.kind(), format!("cannot open directory {}: {e}", host_path.as_ref().display()))
        })?;
        self.preopens.push((dir, guest_path.as_ref().to_string()));
        Ok(self)
    }

    /// Build the context (fds 0-2 are the standard streams, 3.. the preopened directories in
    /// the order they were added). The builder is left empty.
    pub fn build(&mut self) -> WasiCtx {
        let b = std::mem::take(self);
        let mut fds = vec![Some(Desc::Stream(b.stdin)), Some(Desc::Stream(b.stdout)), Some(Desc::Stream(b.stderr))];
        for (dir, guest) in b.preopens {
            fds.push(Some(Desc::Dir(DirDesc { dir, preopen: Some(guest) })));
        }
        WasiCtx(Rc::new(RefCell::new(WasiState { args: b.args, env: b.env, fds, exit_code: None })))
    }
}

/// A shareable in-memory output (for tests and embedders capturing a program's stdout or
/// stderr): `WasiCtxBuilder::stdout(out.clone())`, then `out.contents()`.
#[derive(Clone, Default, Debug)]
pub struct OutputBuffer(Rc<RefCell<Vec<u8>>>);

impl OutputBuffer {
    /// An empty buffer.
    pub fn new() -> OutputBuffer {
        OutputBuffer::default()
    }
    /// Everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.0.borrow().clone()
    }
    /// Everything written so far, as (lossy) UTF-8.
    pub fn to_string_lossy(&self) -> String {
        String::from_utf8_lossy(&self.0.borrow()).into_owned()
    }
}

impl Write for OutputBuffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.try_borrow_mut().map_err(|_| io::Error::other("output buffer is borrowed"))?.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
