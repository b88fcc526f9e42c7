#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "pgwire/protocol.h"

namespace duckdb {
class DataChunk;
class LogicalType;
}  // namespace duckdb
namespace weir::session {
class Session;
struct StatementResult;
}  // namespace weir::session
namespace weir::pgwire {
class RowEncoder;
}

namespace weir::server {

class Server;
class Stream;

// One client connection speaking PostgreSQL's protocol 3.0: startup (TLS
// negotiation, parameters), SCRAM-SHA-256 or temporary-credential
// authentication, the runtime-role check, then simple and extended query
// messages run through one session. Runs on its own thread (Run); Cancel
// and Interrupt may be called from others.
class PgConnection {
 public:
  PgConnection(Server* server, int fd, std::string peer, int32_t pid, int32_t secret);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Serves the client until it leaves, errs fatally or the server stops;
  // closes the socket.
  void Run();

  int32_t pid() const { return pid_; }
  int32_t secret() const { return secret_; }

  // Why a running statement is being stopped.
  enum class StopReason { kNone, kUser, kTimeout, kShutdown };
  // Stops the running statement, if any (thread-safe).
  void Interrupt(StopReason reason);
  // The statement deadline (steady clock, ms) or 0; read by the watchdog.
  int64_t deadline_ms() const { return deadline_ms_.load(); }
  bool idle() const { return idle_.load(); }

 private:
  struct Prepared;
  struct Portal;

  Status Startup();
  Status Authenticate(const std::string& user, std::string* user_name, std::optional<std::string>* claimed_role,
                      std::string* session_name);
  Status Serve();
  // Idle polling (ServerOptions::idle_poll_us): a client that sends its next
  // request right after a response finds this thread still running, its
  // caches warm, rather than asleep. True when a request arrived meanwhile.
  bool PollBriefly();

  // Messages.
  // `max_body`: the largest body accepted (small until authenticated, so an
  // anonymous client cannot make the server allocate much).
  Result<char> ReadMessage(std::string* body, bool idle_wait, int32_t max_body = pgwire::kMaxMessageLength);
  Status ReadExact(char* out, size_t size);
  Status Flush();
  Status SimpleQuery(const std::string& sql);
  Status ParseMessage(const std::string& body);
  Status BindMessage(const std::string& body);
  Status DescribeMessage(const std::string& body);
  Status ExecuteMessage(const std::string& body);
  Status CloseMessage(const std::string& body);
  Status Sync();

  // Sends a statement's result; `max_rows` 0 = all. For a portal, stops
  // after max_rows and reports suspension through *suspended.
  Status SendRows(session::StatementResult& result, const std::vector<int16_t>& formats, bool describe_rows,
                  int64_t max_rows, int64_t* sent, bool* suspended, Portal* portal, int64_t sent_before = 0);
  void SendError(const Status& status);
  Status SendFatal(const Status& status);
  void SendParameterChanges();
  Status Finish(Status status, const std::string& tag_if_ok);

  // Runs `work` with a role slot and the statement timeout armed.
  template <typename F>
  auto Guarded(F&& work) -> decltype(work());
  Status MapInterruption(const Status& status);
  void MaterializeOpenPortals(Portal* except);
  void DropPortals();

  Server* server_;
  int fd_;
  std::string peer_;
  int32_t pid_;
  int32_t secret_;
  std::unique_ptr<Stream> stream_;
  std::string out_;
  // Bytes read from the stream: [in_pos_, in_len_) not consumed yet. A
  // fixed buffer, allocated at the first read and never cleared (a
  // growing string would zero it on every read).
  std::unique_ptr<char[]> in_;
  size_t in_pos_ = 0;
  size_t in_len_ = 0;
  std::unique_ptr<session::Session> session_;
  std::string user_;
  std::mutex session_mu_;  // guards session_ pointer for Interrupt
  std::atomic<int64_t> deadline_ms_{0};
  std::atomic<int> stop_reason_{0};
  std::atomic<bool> idle_{true};
  bool poll_next_ = true;  // the client answered within the polling window last time
  std::atomic<bool> abandon_{false};
  bool skip_until_sync_ = false;
  std::map<std::string, std::unique_ptr<Prepared>> prepared_;
  std::map<std::string, std::unique_ptr<Portal>> portals_;
};

}  // namespace weir::server
