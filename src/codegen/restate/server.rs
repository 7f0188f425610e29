//! The part of the Restate crate's tests that is the same for every saga: find and start a
//! real `restate-server` on loopback ports of its own (stopped when dropped), register a
//! deployment through the admin API, call the ingress, all over plain HTTP/1.1 with bounded
//! waits. No HTTP client crate: the tests stay quick to build.

use proc_macro2::TokenStream;
use quote::quote;

/// `attach`: whether the tests attach to a workflow's result (`Server::call_get`).
pub fn tokens(attach: bool) -> TokenStream {
    let tools = tools();
    let server = server(attach);
    let http = http();
    quote! {
        #tools
        #server
        #http
    }
}

/// The time bound, the server binary, free ports and nonces.
fn tools() -> TokenStream {
    quote! {
        /// The longest any one wait of these tests lasts (the server starting, a saga
        /// running): past it the test fails instead of hanging.
        const BOUND: Duration = Duration::from_secs(60);

        /// The `restate-server` binary: `RESTATE_SERVER`, else the one on `PATH`. Without
        /// one the tests say how to install it and pass, unless `SAGAC_REQUIRE_TOOLS=1`.
        fn server_binary() -> Option<PathBuf> {
            let found = std::env::var_os("RESTATE_SERVER").map(PathBuf::from).or_else(|| {
                std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                    .map(|dir| dir.join("restate-server"))
                    .find(|path| path.is_file())
            });
            if found.is_none() {
                let how = "restate-server not found: set RESTATE_SERVER or put it on PATH (`npm install @restatedev/restate-server@1.7.12`: the binary is node_modules/@restatedev/restate-server-linux-x64/bin/restate-server, or -linux-arm64)";
                if std::env::var("SAGAC_REQUIRE_TOOLS").as_deref() == Ok("1") {
                    panic!("{how} (SAGAC_REQUIRE_TOOLS=1)");
                }
                eprintln!("SKIPPED: {how}");
            }
            found
        }

        /// A loopback port nobody listens on now.
        fn free_port() -> u16 {
            let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
            listener.local_addr().expect("its address").port()
        }

        /// A number that differs between runs, so that keys and directories do not meet.
        fn nonce() -> u128 {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        }

    }
}

/// `Server`: one restate-server, started, called and stopped.
fn server(attach: bool) -> TokenStream {
    let call_get = attach.then(|| {
        quote! {
            /// `GET` through the ingress (attaching to a workflow's result), as `call`.
            fn call_get(&self, path: &str) -> String {
                self.request("GET", path, "")
            }
        }
    });
    quote! {
        /// A `restate-server` of this test alone, killed (and its data removed) when dropped.
        struct Server {
            child: Child,
            dir: PathBuf,
            admin: u16,
            ingress: u16,
        }

        impl Server {
            fn start(binary: &Path) -> Server {
                // Short: the server binds Unix sockets under it, whose paths are limited to
                // about 100 bytes.
                let dir = std::env::temp_dir().join(format!("rs-{}-{}", std::process::id(), nonce() % 1_000_000_000));
                std::fs::create_dir_all(&dir).expect("the server's directory");
                let (node, admin, ingress) = (free_port(), free_port(), free_port());
                let log = std::fs::File::create(dir.join("server.log")).expect("the server's log");
                let child = Command::new(binary)
                    .arg("--base-dir").arg(dir.join("data"))
                    .arg("--node-name").arg("saga")
                    .arg("--bind-address").arg(format!("127.0.0.1:{node}"))
                    .arg("--advertised-address").arg(format!("http://127.0.0.1:{node}"))
                    .env("RESTATE_ADMIN__BIND_ADDRESS", format!("127.0.0.1:{admin}"))
                    .env("RESTATE_INGRESS__BIND_ADDRESS", format!("127.0.0.1:{ingress}"))
                    .env("RESTATE_DISABLE_TELEMETRY", "true")
                    .env("RESTATE_DEFAULT_NUM_PARTITIONS", "2")
                    .env("RESTATE_ROCKSDB_TOTAL_MEMORY_SIZE", "256MiB")
                    .stdin(Stdio::null())
                    .stdout(log.try_clone().expect("the log"))
                    .stderr(log)
                    .spawn()
                    .expect("restate-server starts");
                let mut server = Server { child, dir, admin, ingress };
                let started = Instant::now();
                while http("GET", server.admin, "/health", "").map(|(status, _)| status) != Some(200) {
                    let exited = server.child.try_wait().ok().flatten();
                    if exited.is_some() || started.elapsed() > BOUND {
                        let log = std::fs::read_to_string(server.dir.join("server.log")).unwrap_or_default();
                        let tail: Vec<&str> = log.lines().rev().take(20).collect();
                        let tail: Vec<&str> = tail.into_iter().rev().collect();
                        panic!(
                            "restate-server is not up ({}); the end of its log:\n{}",
                            exited.map_or_else(|| format!("after {BOUND:?}"), |status| format!("it exited: {status}")),
                            tail.join("\n")
                        );
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
                server
            }

            /// Registers the service listening on `port` (again: `force`, as after a restart).
            fn register(&self, port: u16) {
                let body = format!("{{\"uri\":\"http://127.0.0.1:{port}\",\"force\":true}}");
                let started = Instant::now();
                loop {
                    match http("POST", self.admin, "/deployments", &body) {
                        Some((status, _)) if (200..300).contains(&status) => return,
                        answer => assert!(started.elapsed() < BOUND, "registering the deployment: {answer:?}"),
                    }
                    std::thread::sleep(Duration::from_millis(200));
                }
            }

            /// Calls a handler through the ingress and returns its answer's body; retried
            /// while the ingress does not know the service yet.
            fn call(&self, path: &str, body: &str) -> String {
                self.request("POST", path, body)
            }

            #call_get

            fn request(&self, method: &str, path: &str, body: &str) -> String {
                let started = Instant::now();
                loop {
                    match http(method, self.ingress, path, body) {
                        Some((200..=299, answer)) => return answer,
                        answer @ (Some((404 | 503, _)) | None) => {
                            assert!(started.elapsed() < BOUND, "{path}: {answer:?}");
                            std::thread::sleep(Duration::from_millis(200));
                        }
                        Some(answer) => panic!("{path}: {answer:?}"),
                    }
                }
            }
        }

        impl Drop for Server {
            fn drop(&mut self) {
                let _ = self.child.kill();
                let _ = self.child.wait();
                if !std::thread::panicking() {
                    let _ = std::fs::remove_dir_all(&self.dir);
                }
            }
        }

    }
}

/// `http`: one plain HTTP/1.1 request, no client crate.
fn http() -> TokenStream {
    quote! {
        /// One HTTP/1.1 request on loopback: the status and the body, or `None` when
        /// nothing answers.
        fn http(method: &str, port: u16, path: &str, body: &str) -> Option<(u16, String)> {
            let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
            stream.set_read_timeout(Some(BOUND)).ok()?;
            // A handler without input takes no content type.
            let content_type = if body.is_empty() { "" } else { "Content-Type: application/json\r\n" };
            let request = format!(
                "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{content_type}Accept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(request.as_bytes()).ok()?;
            let mut raw = Vec::new();
            stream.read_to_end(&mut raw).ok()?;
            let text = String::from_utf8_lossy(&raw);
            let (head, rest) = text.split_once("\r\n\r\n")?;
            let status = head.split_whitespace().nth(1)?.parse().ok()?;
            let chunked = head.lines().any(|line| {
                let line = line.to_ascii_lowercase();
                line.starts_with("transfer-encoding:") && line.contains("chunked")
            });
            Some((status, if chunked { unchunk(rest) } else { rest.to_owned() }))
        }

        /// The body of a chunked response.
        fn unchunk(mut rest: &str) -> String {
            let mut body = String::new();
            while let Some((size, after)) = rest.split_once("\r\n") {
                let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
                if size == 0 || after.len() < size {
                    break;
                }
                body.push_str(&after[..size]);
                rest = after[size..].trim_start_matches("\r\n");
            }
            body
        }
    }
}
