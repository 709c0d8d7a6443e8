//! `wasmlite repl`: an interactive session over [`wasmlite_jit::repl::Session`].
//!
//! Output, one line per command: the results of `invoke`/`get` as wast constants (nothing
//! when there are none), `trap: <spec message>` for a trap, `error: <reason>` for an invalid
//! definition or command (the session is unchanged). On a terminal: prompt, line editing,
//! history and the `:help`, `:exports`, `:memory ADDR LEN` commands; when stdin is not a
//! terminal nothing else is printed on stdout.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use wasmlite_jit::repl::{format_values, split_commands, trap_message, ReplError, Session};
use wasmlite_rt::Extern;

use crate::ReplArgs;

const HELP: &str = "\
Enter WebAssembly text, one top-level form at a time (a form may span lines):
  (func $f ...) (memory ...) (global ...) (table ...) (tag ...) (type ...) (data ...) (elem ...) (import ...)
      add a definition; `$names` of earlier definitions resolve in later ones
  (module ...)                     start a fresh session from a whole module
  (invoke \"name\" (i32.const 1) ...) call an export and print its results
  (get \"name\")                     print an exported global
  (register \"name\")                make the current exports importable as module \"name\"
  (assert_return ...) (assert_trap ...) (assert_exception ...) (assert_invalid ...) (assert_malformed ...)
Commands:
  :help                 this text
  :exports              the session's exports and their types
  :memory ADDR LEN      hex dump of the default memory
  :quit                 leave (or Ctrl-D)";

/// Run one complete command and the line it prints (if any).
fn eval(session: &mut Session, cmd: &str) -> Option<String> {
    match session.eval(cmd) {
        Ok(o) if o.values().is_empty() => None,
        Ok(o) => Some(format_values(o.values())),
        Err(ReplError::Trap(t)) => Some(format!("trap: {}", trap_message(&t))),
        Err(e) => Some(format!("error: {e}")),
    }
}

/// The output of a `:` command.
fn meta(session: &Session, line: &str) -> String {
    let mut words = line.split_whitespace();
    match words.next() {
        Some(":help") => HELP.to_string(),
        Some(":exports") => {
            let lines: Vec<String> = session
                .exports()
                .iter()
                .map(|(n, e)| match e {
                    Extern::Func(f) => format!("{n}: {}", f.ty()),
                    Extern::Memory(m) => format!("{n}: (memory {} pages)", m.borrow().size_pages()),
                    Extern::Table(t) => format!("{n}: (table {} {})", t.borrow().size(), t.borrow().elem_type()),
                    Extern::Global(g) => {
                        let ty = g.ty();
                        let m = if ty.mutable { "mut " } else { "" };
                        format!("{n}: (global {m}{}) = {}", ty.ty, format_values(&[g.get()]))
                    }
                    Extern::Tag(t) => format!("{n}: (tag {})", t.ty()),
                })
                .collect();
            if lines.is_empty() {
                "(no exports)".to_string()
            } else {
                lines.join("\n")
            }
        }
        Some(":memory") => {
            let parse = |w: Option<&str>| -> Option<u64> {
                let w = w?;
                match w.strip_prefix("0x") {
                    Some(h) => u64::from_str_radix(h, 16).ok(),
                    None => w.parse().ok(),
                }
            };
            let (Some(addr), Some(len)) = (parse(words.next()), parse(words.next())) else {
                return "error: usage: :memory ADDR LEN".to_string();
            };
            let Some(mem) = session.memory() else { return "error: the session has no memory".to_string() };
            let mem = mem.borrow();
            let Ok(len) = usize::try_from(len.min(1 << 20)) else { return "error: length too large".to_string() };
            match mem.read(addr, len) {
                Ok(bytes) => hexdump(addr, bytes),
                Err(_) => format!("error: [{addr:#x}, {addr:#x}+{len:#x}) is outside the memory ({} bytes)", mem.size_bytes()),
            }
        }
        _ => format!("error: unknown command `{line}` (try :help)"),
    }
}

fn hexdump(addr: u64, bytes: &[u8]) -> String {
    let mut out = Vec::new();
    for (k, chunk) in bytes.chunks(16).enumerate() {
        let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        let ascii: String = chunk.iter().map(|&b| if (0x20..0x7f).contains(&b) { b as char } else { '.' }).collect();
        out.push(format!("{:08x}  {:<47}  {ascii}", addr + 16 * k as u64, hex.join(" ")));
    }
    out.join("\n")
}

/// Feed `text` (whole lines) into the pending buffer; run and print complete commands.
fn feed(session: &mut Session, pending: &mut String, text: &str, out: &mut impl Write) -> std::io::Result<()> {
    pending.push_str(text);
    pending.push('\n');
    match split_commands(pending) {
        Ok((cmds, rest)) => {
            for c in cmds {
                if let Some(line) = eval(session, &c) {
                    writeln!(out, "{line}")?;
                }
            }
            *pending = rest;
        }
        Err(e) => {
            writeln!(out, "error: {e}")?;
            pending.clear();
        }
    }
    out.flush()
}

/// Start the session from FILE: a module (binary, text or bare fields) or a script of
/// commands, which run in order with their output printed.
fn load_file(session: &mut Session, path: &std::path::Path, out: &mut impl Write) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.starts_with(b"\0asm") {
        return session.load_module_binary(&bytes, None).map_err(|e| format!("{}: {e}", path.display()));
    }
    let text = String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8 text", path.display()))?;
    if wat::parse_str(&text).is_ok() {
        return session.load_module_text(&text).map_err(|e| format!("{}: {e}", path.display()));
    }
    let mut pending = String::new();
    feed(session, &mut pending, &text, out).map_err(|e| e.to_string())?;
    if !pending.trim().is_empty() {
        return Err(format!("{}: unfinished command at the end of the file", path.display()));
    }
    Ok(())
}

/// `wasmlite repl`.
pub fn main(args: ReplArgs) -> Result<ExitCode, String> {
    let mut session = Session::new().map_err(|e| e.to_string())?;
    let stdout = std::io::stdout();
    if let Some(f) = &args.file {
        load_file(&mut session, f, &mut stdout.lock())?;
    }
    if std::io::stdin().is_terminal() {
        interactive(&mut session)
    } else {
        let mut pending = String::new();
        for line in std::io::stdin().lock().lines() {
            let line = line.map_err(|e| e.to_string())?;
            if pending.trim().is_empty() && line.trim_start().starts_with(':') {
                outln!("{}", meta(&session, line.trim()));
                continue;
            }
            feed(&mut session, &mut pending, &line, &mut stdout.lock()).map_err(|e| e.to_string())?;
        }
        if !pending.trim().is_empty() {
            outln!("error: unfinished command at the end of the input");
            return Ok(ExitCode::FAILURE);
        }
        Ok(ExitCode::SUCCESS)
    }
}

fn interactive(session: &mut Session) -> Result<ExitCode, String> {
    let mut rl = rustyline::DefaultEditor::new().map_err(|e| e.to_string())?;
    let history = wasmlite_jit::Cache::default_dir().map(|d| d.join("repl_history"));
    if let Some(h) = &history {
        let _ = rl.load_history(h);
    }
    outln!("wasmlite {} REPL — :help for help, Ctrl-D to quit", env!("CARGO_PKG_VERSION"));
    let mut pending = String::new();
    loop {
        let prompt = if pending.trim().is_empty() { "wasm> " } else { "  ... " };
        match rl.readline(prompt) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = rl.add_history_entry(line.as_str());
                }
                let t = line.trim();
                if pending.trim().is_empty() && t.starts_with(':') {
                    if t == ":quit" || t == ":q" {
                        break;
                    }
                    outln!("{}", meta(session, t));
                    continue;
                }
                feed(session, &mut pending, &line, &mut std::io::stdout().lock()).map_err(|e| e.to_string())?;
            }
            Err(rustyline::error::ReadlineError::Interrupted) => {
                pending.clear();
            }
            Err(rustyline::error::ReadlineError::Eof) => break,
            Err(e) => return Err(e.to_string()),
        }
    }
    if let Some(h) = &history {
        if let Some(dir) = h.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = rl.save_history(h);
    }
    Ok(ExitCode::SUCCESS)
}
