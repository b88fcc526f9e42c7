#pragma once

// What `weir serve` and `weir demo --serve` share: the listen and TLS
// flags, their parsing, the engine a server runs on, and D/server.json.

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "common/status.h"
#include "engine/engine.h"
#include "http/http.h"
#include "server/server.h"

namespace CLI {
class App;
}
namespace weir::admin {
class DataDir;
}

namespace weir::cli {

struct ListenArgs {
  std::string pg_listen = "127.0.0.1:5433";
  std::string http_listen = "127.0.0.1:8443";
  std::string tls_cert;
  std::string tls_key;
  bool insecure_no_tls = false;
};

// Registers --pg-listen, --http-listen, --tls-cert, --tls-key, --insecure-no-tls.
void AddListenOptions(CLI::App* command, ListenArgs& args);

// Fills the listen and TLS fields of `options` (kInvalidArgument for a bad address).
Status ApplyListenArgs(const ListenArgs& args, server::ServerOptions* options);

// "[HOST]:PORT" or "HOST:PORT"; an empty host is every interface.
Result<std::pair<std::string, int>> ParseListen(const std::string& text);
// "90s", "30m", "1h", "500ms", "2d", "0" → milliseconds.
Result<int64_t> ParseDuration(const std::string& text);
// "4GB", "512MB", "1024" → bytes.
Result<int64_t> ParseBytes(const std::string& text);

// The engine a server runs on `dir`: catalog queries see column types as
// the wire protocol sends them. `memory_budget` 0 = half the RAM.
Result<std::unique_ptr<engine::Engine>> OpenServerEngine(admin::DataDir& dir, int64_t memory_budget, int threads);

// The admin HTTPS API on --http-listen, with the query server's
// certificate (plain HTTP under --insecure-no-tls), answering on its own
// thread until destroyed (which stops it and waits for its requests).
class RunningAdminApi {
 public:
  static Result<std::unique_ptr<RunningAdminApi>> Start(admin::DataDir& dir, const ListenArgs& args,
                                                        const server::Server& server);
  ~RunningAdminApi();
  RunningAdminApi(const RunningAdminApi&) = delete;
  RunningAdminApi& operator=(const RunningAdminApi&) = delete;

  // "https://127.0.0.1:8443".
  const std::string& url() const { return url_; }

 private:
  RunningAdminApi() = default;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
  std::string url_;
};

// Writes D/server.json (where clients and the CLI find the server: the
// PostgreSQL address, the admin API's URL, the certificate's fingerprint);
// returns its path.
std::string WriteServerInfo(admin::DataDir& dir, const server::ServerOptions& options, const server::Server& server,
                            const std::string& api_url);

// Installs SIGTERM/SIGINT handlers that shut `server` down gracefully
// (null: uninstall), and ignores SIGPIPE.
void HandleShutdownSignals(server::Server* server);

}  // namespace weir::cli
