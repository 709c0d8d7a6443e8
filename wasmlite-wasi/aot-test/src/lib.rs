//! `wasmlite-wasi` through `include_wasm!`: `tests/programs/aot_app.c`, built for wasm32-wasi
//! and compiled ahead of time by `build.rs`, runs with a [`wasmlite_wasi::WasiCtx`] supplied
//! through the generated `Imports::wasi_ctx`.

wasmlite_rt::include_wasm!("$OUT_DIR/aot_app.wasm"); // generates `mod aot_app`

#[cfg(test)]
mod tests {
    use super::aot_app;
    use wasmlite_rt::{Caller, Trap};
    use wasmlite_wasi::{OutputBuffer, WasiCtx};

    /// Uses every default WASI method.
    struct Host {
        wasi: WasiCtx,
    }

    impl aot_app::Imports for Host {
        fn wasi_ctx(&mut self) -> &mut WasiCtx {
            &mut self.wasi
        }
    }

    /// Overrides the clock: a default method can be replaced like any trait method. Also
    /// `path_open` (9 parameters), which counts and then delegates to the default.
    struct FrozenClock {
        wasi: WasiCtx,
        calls: u32,
        opened: Vec<u32>,
    }

    impl aot_app::Imports for FrozenClock {
        fn wasi_ctx(&mut self) -> &mut WasiCtx {
            &mut self.wasi
        }
        #[allow(clippy::too_many_arguments)]
        fn wasi_snapshot_preview1_path_open(
            &mut self,
            caller: &mut Caller<'_>,
            fd: i32,
            dirflags: i32,
            path: i32,
            path_len: i32,
            oflags: i32,
            base: i64,
            inheriting: i64,
            fdflags: i32,
            opened: i32,
        ) -> Result<i32, Trap> {
            self.opened.push(path_len as u32);
            wasmlite_wasi::preview1::path_open(&mut self.wasi, caller, fd, dirflags, path, path_len, oflags, base, inheriting, fdflags, opened)
        }
        fn wasi_snapshot_preview1_clock_time_get(
            &mut self,
            caller: &mut Caller<'_>,
            _id: i32,
            _precision: i64,
            out: i32,
        ) -> Result<i32, Trap> {
            self.calls += 1;
            let t: u64 = 1_234_567_890 * 1_000_000_000;
            caller.memory()?.write(out as u32 as u64, &t.to_le_bytes())?;
            Ok(0)
        }
    }

    fn dir(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("wasmlite-wasi-aot-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn ctx(out: &OutputBuffer, data: &std::path::Path, args: &[&str]) -> WasiCtx {
        WasiCtx::builder().args(args).env("WHO", "aot").stdout(out.clone()).preopened_dir(data, "/data").unwrap().build()
    }

    #[test]
    fn runs_a_wasi_command_ahead_of_time() {
        let data = dir("default");
        let out = OutputBuffer::new();
        let wasi = ctx(&out, &data, &["app", "5"]);
        let mut inst = aot_app::Instance::new(Host { wasi: wasi.clone() }).unwrap();
        let r = inst._start();
        // proc_exit(5) is a TrapKind::Exit trap the embedder reads without parsing text.
        let t = r.as_ref().unwrap_err();
        assert_eq!((t.kind(), t.exit_status()), (wasmlite_rt::TrapKind::Exit(5), Some(5)));
        assert_eq!(wasmlite_wasi::command_exit_status(&wasi, r), Ok(5));
        let text = out.to_string_lossy();
        assert!(text.starts_with("hello from app, 2 args\nWHO=aot\nread back: note for aot\ntime: "), "{text}");
        let secs: i64 = text.lines().last().unwrap().trim_start_matches("time: ").parse().unwrap();
        assert!(secs > 1_577_836_800, "realtime clock: {secs}");
        assert_eq!(std::fs::read_to_string(data.join("note.txt")).unwrap(), "note for aot\n");
    }

    #[test]
    fn default_methods_can_be_overridden() {
        let data = dir("frozen");
        let out = OutputBuffer::new();
        let wasi = ctx(&out, &data, &["app"]);
        let mut inst = aot_app::Instance::new(FrozenClock { wasi: wasi.clone(), calls: 0, opened: vec![] }).unwrap();
        assert_eq!(wasmlite_wasi::command_exit_status(&wasi, inst._start()), Ok(0));
        assert!(out.to_string_lossy().ends_with("time: 1234567890\n"), "{}", out.to_string_lossy());
        assert_eq!(inst.imports().calls, 1);
        // The program writes and then reads back `note.txt` (length of the path it opens).
        assert_eq!(inst.imports().opened, ["note.txt".len() as u32; 2]);
    }
}
