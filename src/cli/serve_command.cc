#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "admin/data_dir.h"
#include "audit/audit_log.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/server_setup.h"
#include "engine/engine.h"
#include "server/log.h"
#include "server/server.h"

namespace weir::cli {

namespace {

struct ServeArgs {
  ListenArgs listen;
  std::string idle_shutdown = "0";
  std::string idle_session_timeout = "0";
  std::string shutdown_grace = "10s";
  int max_connections = 2000;
  int role_concurrency = 8;
  std::string memory_budget;
  int threads = 0;  // threads on one statement (its session's + shared helpers); 0 = one per core
  int64_t idle_poll_us = 100;
  std::string audit_max_file_size = "64MB";
};

int RunServe(const GlobalOptions& global, const ServeArgs& args) {
  server::ServerOptions options;
  auto fail = [](const Status& status) {
    PrintError(status);
    return 1;
  };
  Status parsed = ApplyListenArgs(args.listen, &options);
  if (!parsed.ok()) return fail(parsed);
  options.max_connections = args.max_connections;
  options.role_concurrency = args.role_concurrency;
  options.idle_poll_us = args.idle_poll_us;
  for (auto [text, out] : {std::pair<const std::string*, int64_t*>{&args.idle_shutdown, &options.idle_shutdown_ms},
                           {&args.idle_session_timeout, &options.idle_session_timeout_ms},
                           {&args.shutdown_grace, &options.shutdown_grace_ms}}) {
    auto ms = ParseDuration(*text);
    if (!ms.ok()) return fail(ms.status());
    *out = *ms;
  }
  int64_t budget = 0;
  if (!args.memory_budget.empty()) {
    auto bytes = ParseBytes(args.memory_budget);
    if (!bytes.ok()) return fail(bytes.status());
    budget = *bytes;
  }

  admin::DataDirOptions dir_options;
  auto audit_size = ParseBytes(args.audit_max_file_size);
  if (!audit_size.ok()) return fail(audit_size.status());
  if (*audit_size <= 0) return fail(Status::InvalidArgument("--audit-max-file-size must be positive"));
  dir_options.audit_max_file_size = *audit_size;

  auto dir = admin::DataDir::Open(global.data_dir, dir_options);
  if (!dir.ok()) return fail(dir.status());
  auto engine = OpenServerEngine(**dir, budget, args.threads);
  if (!engine.ok()) return fail(engine.status());

  server::Server server(options, dir->get(), engine->get());
  Status started = server.Start();
  if (!started.ok()) return fail(started);
  auto api = RunningAdminApi::Start(**dir, args.listen, server);
  if (!api.ok()) return fail(api.status());
  const std::string api_url = (*api)->url();
  HandleShutdownSignals(&server);
  std::string info_path = WriteServerInfo(**dir, options, server, api_url);
  server::Log("info", "listening",
              {{"pg", options.pg_host + ":" + std::to_string(server.port())},
               {"port", server.port()},
               {"api", api_url},
               {"tls", !options.insecure_no_tls},
               {"fingerprint", server.fingerprint()}});
  std::cout << "Weir is serving PostgreSQL clients on " << options.pg_host << ":" << server.port()
            << (options.insecure_no_tls ? " (no TLS)" : " (TLS)") << "\n";
  std::cout << "admin API: " << api_url << " (OpenAPI document at " << api_url << "/openapi.json)\n";
  if (!options.insecure_no_tls) std::cout << "certificate SHA-256 fingerprint: " << server.fingerprint() << "\n";
  std::cout << "connect: psql \"host=" << (options.pg_host == "0.0.0.0" ? "127.0.0.1" : options.pg_host)
            << " port=" << server.port() << " user=USER sslmode=" << (options.insecure_no_tls ? "disable" : "require")
            << "\"  (PGOPTIONS='-c role=ROLE' picks a runtime role)\n"
            << std::flush;

  server.Run();
  api->reset();  // stops the admin API and waits for its requests
  HandleShutdownSignals(nullptr);
  std::remove(info_path.c_str());
  Status flushed = (*dir)->audit().Flush();
  if (!flushed.ok()) PrintError(flushed);
  if (server.active_connections() > 0) {
    // Sessions that did not stop in time: their threads still use the
    // engine, so leave without running destructors (the store is durable
    // and the audit log flushed).
    std::fflush(nullptr);
    std::_Exit(0);
  }
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& app, GlobalOptions& options) {
  static ServeArgs args;
  auto* serve = app.add_subcommand(
      "serve",
      "Serve the data directory to PostgreSQL clients (psql, psycopg, JDBC, BI tools): each session runs as a "
      "runtime role and sees only what that role was granted. Stops gracefully on SIGTERM.");
  serve->add_option("--data-dir", options.data_dir, "Data directory (default: $WEIR_DATA_DIR or ./weir-data)");
  AddListenOptions(serve, args.listen);
  serve
      ->add_option("--idle-shutdown", args.idle_shutdown,
                   "Stop after no client has been connected this long (e.g. 30m; 0 = never)")
      ->capture_default_str();
  serve
      ->add_option("--idle-session-timeout", args.idle_session_timeout,
                   "Close sessions idle this long (e.g. 1h; 0 = never)")
      ->capture_default_str();
  serve
      ->add_option("--shutdown-grace", args.shutdown_grace,
                   "On SIGTERM, how long running statements may finish before they are cancelled")
      ->capture_default_str();
  serve->add_option("--max-connections", args.max_connections, "Most clients connected at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  serve
      ->add_option("--role-concurrency", args.role_concurrency,
                   "Statements running at once per role; more wait their turn")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  serve->add_option("--memory-budget", args.memory_budget,
                    "Memory all queries may use together, split across role instances (default: half the RAM)");
  serve
      ->add_option("--threads", args.threads,
                   "Threads working on one statement: its session's own and shared helpers (default 0: one per core)")
      ->check(CLI::Range(0, 1024));
  serve
      ->add_option("--idle-poll-us", args.idle_poll_us,
                   "Before a session sleeps waiting for its client, poll this many microseconds while a core is free "
                   "(0 = never)")
      ->capture_default_str()
      ->check(CLI::Range(0, 10000));
  serve
      ->add_option("--audit-max-file-size", args.audit_max_file_size,
                   "Rotate the audit file (D/audit/audit.jsonl) beyond this size, e.g. 64MB, 512KB")
      ->capture_default_str();
  serve->callback([&options] { std::exit(RunServe(options, args)); });
}

}  // namespace weir::cli
