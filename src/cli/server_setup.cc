#include "cli/server_setup.h"

#include <signal.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <fstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <sys/sysinfo.h>

#include "admin/data_dir.h"
#include "api/admin_api.h"
#include "duckdb.hpp"
#include "pgwire/types.h"
#include "session/settings.h"
#include "store/store.h"

namespace weir::cli {

namespace {

server::Server* g_server = nullptr;

void OnSignal(int) {
  if (g_server != nullptr) g_server->RequestShutdown();
}

}  // namespace

void AddListenOptions(CLI::App* command, ListenArgs& args) {
  command->add_option("--pg-listen", args.pg_listen, "PostgreSQL protocol address HOST:PORT (port 0: any free port)")
      ->capture_default_str();
  command
      ->add_option("--http-listen", args.http_listen,
                   "Admin API address HOST:PORT (HTTPS with the same certificate unless --insecure-no-tls; port 0: any "
                   "free port)")
      ->capture_default_str();
  command->add_option("--tls-cert", args.tls_cert,
                      "PEM certificate chain (default: D/tls/server.crt, self-signed and generated on first start)");
  command->add_option("--tls-key", args.tls_key, "PEM private key for --tls-cert");
  command->add_flag("--insecure-no-tls", args.insecure_no_tls,
                    "Accept plaintext connections (passwords and results cross the network unencrypted)");
}

Status ApplyListenArgs(const ListenArgs& args, server::ServerOptions* options) {
  WEIR_ASSIGN_OR_RETURN(auto listen, ParseListen(args.pg_listen));
  options->pg_host = listen.first;
  options->pg_port = listen.second;
  WEIR_RETURN_IF_ERROR(ParseListen(args.http_listen).status());
  options->insecure_no_tls = args.insecure_no_tls;
  options->tls_cert = args.tls_cert;
  options->tls_key = args.tls_key;
  return Status::Ok();
}

// PostgreSQL's duration units (the session's statement_timeout parser),
// plus "m" for minutes; a bare number other than 0 needs a unit here.
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

Result<std::pair<std::string, int>> ParseListen(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) {
    return Status::InvalidArgument("invalid listen address '" + text + "': use HOST:PORT");
  }
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
  if (digits == 0 || digits > 18) return Status::InvalidArgument("invalid size '" + text + "': use e.g. 4GB, 512MB");
  int64_t number = std::stoll(text.substr(0, digits));
  std::string unit = text.substr(digits);
  for (auto& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit.empty() || unit == "B") return number;
  if (unit == "KB" || unit == "KIB") return number << 10;
  if (unit == "MB" || unit == "MIB") return number << 20;
  if (unit == "GB" || unit == "GIB") return number << 30;
  return Status::InvalidArgument("invalid size unit in '" + text + "': use KB, MB or GB");
}

Result<std::unique_ptr<engine::Engine>> OpenServerEngine(admin::DataDir& dir, int64_t memory_budget, int threads) {
  if (memory_budget == 0) {
    struct sysinfo info;
    if (sysinfo(&info) == 0) memory_budget = static_cast<int64_t>(info.totalram) * info.mem_unit / 2;
  }
  engine::EngineOptions options;
  options.lake_root = dir.lake_root();
  options.temp_root = dir.temp_root();
  options.memory_budget_bytes = memory_budget;
  options.threads = threads;
  // weir_audit, for the roles allowed to read it, straight from the store.
  admin::DataDir* data_dir = &dir;
  options.audit_reader = [data_dir](int64_t after_seq, size_t limit) {
    return data_dir->store().ReadAudit(after_seq, limit);
  };
  options.catalog_types.column_type = [](const duckdb::LogicalType& type) {
    pgwire::PgType pg = pgwire::PgTypeFor(type);
    return std::make_pair(pg.oid, pg.modifier);
  };
  for (const auto& row : pgwire::PgTypeRows()) {
    options.catalog_types.types.push_back({row.oid, row.name, row.size, row.element_oid, row.array_oid, row.category});
  }
  return engine::Engine::Open(options);
}

Result<std::unique_ptr<RunningAdminApi>> RunningAdminApi::Start(admin::DataDir& dir, const ListenArgs& args,
                                                                const server::Server& server) {
  WEIR_ASSIGN_OR_RETURN(auto listen, ParseListen(args.http_listen));
  std::unique_ptr<RunningAdminApi> api(new RunningAdminApi());
  api->server_ = std::make_unique<http::Server>(listen.first, listen.second, server.tls(), api::MakeAdminApi(&dir));
  WEIR_RETURN_IF_ERROR(api->server_->Start());
  std::string host = listen.first;
  if (host == "0.0.0.0" || host == "::") host = "127.0.0.1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  api->url_ =
      std::string(args.insecure_no_tls ? "http" : "https") + "://" + host + ":" + std::to_string(api->server_->port());
  api->thread_ = std::thread([server = api->server_.get()] { server->Run(); });
  return api;
}

RunningAdminApi::~RunningAdminApi() {
  server_->RequestShutdown();
  if (thread_.joinable()) thread_.join();
}

std::string WriteServerInfo(admin::DataDir& dir, const server::ServerOptions& options, const server::Server& server,
                            const std::string& api_url) {
  nlohmann::json info = {{"pid", static_cast<int>(::getpid())},
                         {"pg_host", options.pg_host},
                         {"pg_port", server.port()},
                         {"api_url", api_url},
                         {"tls", !options.insecure_no_tls},
                         {"fingerprint", server.fingerprint()}};
  std::string path = dir.path() + "/server.json";
  {
    std::ofstream out(path + ".tmp");
    out << info.dump(2) << "\n";
  }
  std::rename((path + ".tmp").c_str(), path.c_str());
  return path;
}

void HandleShutdownSignals(server::Server* server) {
  ::signal(SIGPIPE, SIG_IGN);
  g_server = server;
  struct sigaction action = {};
  action.sa_handler = server != nullptr ? OnSignal : SIG_DFL;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);
}

}  // namespace weir::cli
