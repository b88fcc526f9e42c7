#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <sys/sysinfo.h>

#include "admin/data_dir.h"
#include "audit/audit_log.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "duckdb.hpp"
#include "engine/engine.h"
#include "pgwire/types.h"
#include "server/log.h"
#include "server/server.h"
#include "session/settings.h"
#include "store/store.h"

namespace weir::cli {

namespace {

struct ServeArgs {
  std::string pg_listen = "127.0.0.1:5433";
  std::string http_listen = "127.0.0.1:8443";
  std::string tls_cert;
  std::string tls_key;
  bool insecure_no_tls = false;
  std::string idle_shutdown = "0";
  std::string idle_session_timeout = "0";
  std::string shutdown_grace = "10s";
  int max_connections = 2000;
  int role_concurrency = 8;
  std::string memory_budget;
  int threads = 0;
  std::string audit_max_file_size = "64MB";
};

server::Server* g_server = nullptr;

void OnSignal(int) {
  if (g_server != nullptr) g_server->RequestShutdown();
}

// "90s", "30m", "1h", "500ms", "2d", "0" → milliseconds: PostgreSQL's
// duration units (the session's statement_timeout parser), plus "m" for
// minutes; a bare number other than 0 needs a unit here.
Result<int64_t> ParseDuration(const std::string& text) {
  std::string spelled = text;
  if (spelled.size() > 1 && spelled.back() == 'm' && std::isdigit(static_cast<unsigned char>(spelled.end()[-2]))) {
    spelled += "in";
  }
  bool bare = !spelled.empty() && std::isdigit(static_cast<unsigned char>(spelled.back()));
  auto ms = session::ParseMilliseconds(spelled);
  if (!ms.ok() || (bare && *ms != 0)) {
    return Status::InvalidArgument("invalid duration '" + text + "': use e.g. 500ms, 90s, 30m, 1h or 2d");
  }
  return *ms;
}

// "[HOST]:PORT" or "HOST:PORT".
Result<std::pair<std::string, int>> ParseListen(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos)
    return Status::InvalidArgument("invalid listen address '" + text + "': use HOST:PORT");
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  char* end = nullptr;
  long port = std::strtol(text.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || port < 0 || port > 65535 || colon + 1 == text.size()) {
    return Status::InvalidArgument("invalid port in '" + text + "'");
  }
  return std::make_pair(host.empty() ? std::string("0.0.0.0") : host, static_cast<int>(port));
}

Result<int64_t> ParseBytes(const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) digits++;
  if (digits == 0) return Status::InvalidArgument("invalid size '" + text + "': use e.g. 4GB, 512MB");
  int64_t number = std::stoll(text.substr(0, digits));
  std::string unit = text.substr(digits);
  for (auto& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit.empty() || unit == "B") return number;
  if (unit == "KB" || unit == "KIB") return number << 10;
  if (unit == "MB" || unit == "MIB") return number << 20;
  if (unit == "GB" || unit == "GIB") return number << 30;
  return Status::InvalidArgument("invalid size unit in '" + text + "': use KB, MB or GB");
}

int RunServe(const GlobalOptions& global, const ServeArgs& args) {
  server::ServerOptions options;
  auto fail = [](const Status& status) {
    PrintError(status);
    return 1;
  };
  auto listen = ParseListen(args.pg_listen);
  if (!listen.ok()) return fail(listen.status());
  options.pg_host = listen->first;
  options.pg_port = listen->second;
  auto http = ParseListen(args.http_listen);
  if (!http.ok()) return fail(http.status());
  options.insecure_no_tls = args.insecure_no_tls;
  options.tls_cert = args.tls_cert;
  options.tls_key = args.tls_key;
  options.max_connections = args.max_connections;
  options.role_concurrency = args.role_concurrency;
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
  } else {
    struct sysinfo info;
    if (sysinfo(&info) == 0) budget = static_cast<int64_t>(info.totalram) * info.mem_unit / 2;
  }

  admin::DataDirOptions dir_options;
  auto audit_size = ParseBytes(args.audit_max_file_size);
  if (!audit_size.ok()) return fail(audit_size.status());
  if (*audit_size <= 0) return fail(Status::InvalidArgument("--audit-max-file-size must be positive"));
  dir_options.audit_max_file_size = *audit_size;

  auto dir = admin::DataDir::Open(global.data_dir, dir_options);
  if (!dir.ok()) return fail(dir.status());
  engine::EngineOptions engine_options{(*dir)->lake_root(), (*dir)->temp_root(), 0, args.threads};
  admin::DataDir* data_dir = dir->get();
  engine_options.audit_reader = [data_dir](int64_t after_seq, size_t limit) {
    return data_dir->store().ReadAudit(after_seq, limit);
  };
  engine_options.memory_budget_bytes = budget;
  // Catalog queries see column types as the wire protocol sends them.
  engine_options.catalog_types.column_type = [](const duckdb::LogicalType& type) {
    pgwire::PgType pg = pgwire::PgTypeFor(type);
    return std::make_pair(pg.oid, pg.modifier);
  };
  for (const auto& row : pgwire::PgTypeRows()) {
    engine_options.catalog_types.types.push_back(
        {row.oid, row.name, row.size, row.element_oid, row.array_oid, row.category});
  }
  auto engine = engine::Engine::Open(engine_options);
  if (!engine.ok()) return fail(engine.status());

  server::Server server(options, dir->get(), engine->get());
  Status started = server.Start();
  if (!started.ok()) return fail(started);
  ::signal(SIGPIPE, SIG_IGN);
  g_server = &server;
  struct sigaction action = {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);

  // Where clients (and the CLI) find this server.
  nlohmann::json info = {{"pid", static_cast<int>(::getpid())},
                         {"pg_host", options.pg_host},
                         {"pg_port", server.port()},
                         {"tls", !options.insecure_no_tls},
                         {"fingerprint", server.fingerprint()}};
  std::string info_path = (*dir)->path() + "/server.json";
  {
    std::ofstream out(info_path + ".tmp");
    out << info.dump(2) << "\n";
  }
  std::rename((info_path + ".tmp").c_str(), info_path.c_str());
  server::Log("info", "listening",
              {{"pg", options.pg_host + ":" + std::to_string(server.port())},
               {"port", server.port()},
               {"tls", !options.insecure_no_tls},
               {"fingerprint", server.fingerprint()},
               {"memory_budget_bytes", budget}});
  std::cout << "Weir is serving PostgreSQL clients on " << options.pg_host << ":" << server.port()
            << (options.insecure_no_tls ? " (no TLS)" : " (TLS)") << "\n";
  if (!options.insecure_no_tls) std::cout << "certificate SHA-256 fingerprint: " << server.fingerprint() << "\n";
  std::cout << "connect: psql \"host=" << (options.pg_host == "0.0.0.0" ? "127.0.0.1" : options.pg_host)
            << " port=" << server.port() << " user=USER sslmode=" << (options.insecure_no_tls ? "disable" : "require")
            << "\"  (PGOPTIONS='-c role=ROLE' picks a runtime role)\n"
            << std::flush;

  server.Run();
  g_server = nullptr;
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
  serve->add_option("--pg-listen", args.pg_listen, "PostgreSQL protocol address HOST:PORT (port 0: any free port)")
      ->capture_default_str();
  serve->add_option("--http-listen", args.http_listen, "Admin API address HOST:PORT (reserved for the admin API)")
      ->capture_default_str();
  serve->add_option("--tls-cert", args.tls_cert,
                    "PEM certificate chain (default: D/tls/server.crt, self-signed and generated on first start)");
  serve->add_option("--tls-key", args.tls_key, "PEM private key for --tls-cert");
  serve->add_flag("--insecure-no-tls", args.insecure_no_tls,
                  "Accept plaintext connections (passwords and results cross the network unencrypted)");
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
  serve->add_option("--threads", args.threads, "Threads per role instance (default: DuckDB's, one per core)");
  serve
      ->add_option("--audit-max-file-size", args.audit_max_file_size,
                   "Rotate the audit file (D/audit/audit.jsonl) beyond this size, e.g. 64MB, 512KB")
      ->capture_default_str();
  serve->callback([&options] { std::exit(RunServe(options, args)); });
}

}  // namespace weir::cli
