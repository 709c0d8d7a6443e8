//! `wasmlite`: run, compile, inspect WebAssembly modules and try them in a REPL.
//!
//! Exit status: the WASI program's exit code for `run` without `--invoke`; 0 on success;
//! 1 on an error (bad arguments, invalid module, link error); 134 when wasm traps
//! (like `wasmtime`, which exits with the status of an aborted process).

/// `println!` that ends the process quietly when stdout is a closed pipe (`wasmlite inspect
/// x.wasm | head`) instead of panicking; see [`print_line`].
macro_rules! outln {
    ($($t:tt)*) => { $crate::print_line(format_args!($($t)*)) };
}

mod compile;
mod inspect;
mod repl;
mod run;
mod values;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit status of a run that trapped.
pub const TRAP_EXIT: u8 = 134;

#[derive(Parser)]
#[command(name = "wasmlite", version, about = "WebAssembly through LLVM: run, compile, inspect, REPL")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a WASI command (`_start`), or invoke one exported function with --invoke.
    Run(RunArgs),
    /// Compile a module ahead of time (object, assembly, LLVM IR or include_wasm! bindings).
    Compile(CompileArgs),
    /// Interactive session: add module fields one at a time, run wast commands.
    Repl(ReplArgs),
    /// Show imports, exports, memories, tables, globals, custom sections and code sizes.
    Inspect(InspectArgs),
}

/// `wasmlite run`.
#[derive(clap::Args)]
pub struct RunArgs {
    /// Compile each function on its first call instead of the whole module up front.
    #[arg(long)]
    pub lazy: bool,
    /// Neither read nor write the compile cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Preopen host directory HOST as GUEST for the WASI program (HOST::GUEST).
    #[arg(long = "dir", value_name = "HOST::GUEST")]
    pub dirs: Vec<String>,
    /// Environment variable for the WASI program (NAME=VALUE).
    #[arg(long = "env", value_name = "NAME=VALUE")]
    pub envs: Vec<String>,
    /// Call this exported function with ARGS (parsed by its parameter types) and print the
    /// results, one per line.
    #[arg(long, value_name = "NAME")]
    pub invoke: Option<String>,
    /// Explicit bounds checks instead of guard pages.
    #[arg(long)]
    pub bounds_checks: bool,
    /// Optimisation level (0-3).
    #[arg(short = 'O', value_name = "LEVEL", default_value_t = 2, value_parser = clap::value_parser!(u8).range(0..=3))]
    pub opt_level: u8,
    /// The module (.wasm or .wat).
    pub file: PathBuf,
    /// Arguments of the invoked function, or of the WASI program.
    #[arg(allow_hyphen_values = true, trailing_var_arg = true)]
    pub args: Vec<String>,
}

/// What `wasmlite compile` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Emit {
    /// Relocatable ELF object (link it with the runtime).
    Obj,
    /// Target assembly.
    Asm,
    /// Optimised LLVM IR.
    LlvmIr,
    /// The Rust bindings `include_wasm!` would generate (link them with the `obj` output).
    Rust,
}

/// `wasmlite compile`.
#[derive(clap::Args)]
pub struct CompileArgs {
    /// The module (.wasm or .wat).
    pub file: PathBuf,
    /// Output file.
    #[arg(short = 'o', value_name = "OUT")]
    pub output: PathBuf,
    /// Output kind.
    #[arg(long, value_enum, default_value_t = Emit::Obj)]
    pub emit: Emit,
    /// Target triple (default: the host).
    #[arg(long, value_name = "TRIPLE")]
    pub target: Option<String>,
    /// Explicit bounds checks instead of guard pages (forced for targets that are not 64-bit unix).
    #[arg(long)]
    pub bounds_checks: bool,
    /// Optimisation level (0-3).
    #[arg(short = 'O', value_name = "LEVEL", default_value_t = 2, value_parser = clap::value_parser!(u8).range(0..=3))]
    pub opt_level: u8,
}

/// `wasmlite repl`.
#[derive(clap::Args)]
pub struct ReplArgs {
    /// A module or script (.wat/.wast text, or .wasm) to start the session with.
    pub file: Option<PathBuf>,
}

/// `wasmlite inspect`.
#[derive(clap::Args)]
pub struct InspectArgs {
    /// The module (.wasm or .wat).
    pub file: PathBuf,
}

/// Write `line` and a newline to stdout. A closed pipe ends the process with status 0, as
/// Unix tools end on SIGPIPE (Rust ignores that signal); another write error is reported
/// and ends it with status 1.
pub(crate) fn print_line(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{line}").and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to stdout: {e}");
        std::process::exit(1);
    }
}

/// Stack of the thread that runs the command: lazily compiled functions are compiled by LLVM
/// on the calling thread, inside the wasm frames that call them.
const STACK_SIZE: usize = 64 << 20;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match std::thread::Builder::new().name("wasmlite".into()).stack_size(STACK_SIZE).spawn(move || command(cli)) {
        Ok(t) => t.join().unwrap_or_else(|_| {
            eprintln!("error: internal error (panic)");
            ExitCode::FAILURE
        }),
        Err(e) => {
            eprintln!("error: cannot start the main thread: {e}");
            ExitCode::FAILURE
        }
    }
}

fn command(cli: Cli) -> ExitCode {
    let r = match cli.command {
        Command::Run(a) => run::main(a),
        Command::Compile(a) => compile::main(a).map(|()| ExitCode::SUCCESS),
        Command::Repl(a) => repl::main(a),
        Command::Inspect(a) => inspect::main(a).map(|()| ExitCode::SUCCESS),
    };
    match r {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Read a `.wasm` or `.wat` file (text is detected by content, like `wat::parse_file`).
pub fn read_module(path: &std::path::Path) -> Result<Vec<u8>, String> {
    wasmlite_abi::parse::read_wasm_file(path).map_err(|e| e.to_string())
}

/// The file stem used to name symbols.
pub fn stem(path: &std::path::Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "module".into())
}
