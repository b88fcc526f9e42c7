#include "server/pg_connection.h"

#include <poll.h>
#include <unistd.h>

#include <cstring>

#include <sys/socket.h>

#include "access/snapshot.h"
#include "admin/data_dir.h"
#include "audit/audit_log.h"
#include "duckdb.hpp"
#include "iam/assume.h"
#include "iam/session_credentials.h"
#include "pgwire/protocol.h"
#include "pgwire/scram_exchange.h"
#include "pgwire/types.h"
#include "server/log.h"
#include "server/server.h"
#include "server/tls.h"
#include "session/session.h"
#include "session/sql_text.h"

namespace weir::server {

namespace {

// How much one read from the client takes at most.
constexpr size_t kInputBufferSize = 64 * 1024;

// While in scope, the session does not count as busy: it waits for its client.
class WaitingForClient {
 public:
  explicit WaitingForClient(Server* server) : server_(server) { server_->SessionBusy(false); }
  ~WaitingForClient() { server_->SessionBusy(true); }
  WaitingForClient(const WaitingForClient&) = delete;
  WaitingForClient& operator=(const WaitingForClient&) = delete;

 private:
  Server* server_;
};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t UnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

uint32_t ReadUint32(const char* p) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(p[0])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(p[1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(p[2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(p[3]));
}

// Splits the startup "options" parameter into words: whitespace separates,
// a backslash escapes the next character (libpq's rules).
std::vector<std::string> SplitOptions(const std::string& options) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < options.size(); i++) {
    char c = options[i];
    if (c == '\\' && i + 1 < options.size()) {
      word.push_back(options[++i]);
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word.push_back(c);
      in_word = true;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

// "-c name=value", "-cname=value" and "--name=value" settings from options.
Result<std::vector<std::pair<std::string, std::string>>> OptionSettings(const std::string& options) {
  std::vector<std::pair<std::string, std::string>> settings;
  auto words = SplitOptions(options);
  for (size_t i = 0; i < words.size(); i++) {
    std::string item;
    if (words[i] == "-c" && i + 1 < words.size()) {
      item = words[++i];
    } else if (words[i].rfind("-c", 0) == 0 && words[i].size() > 2) {
      item = words[i].substr(2);
    } else if (words[i].rfind("--", 0) == 0) {
      item = words[i].substr(2);
    } else {
      return Status::InvalidArgument("invalid command-line argument for server process: " + words[i]);
    }
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      return Status::InvalidArgument("invalid option \"" + item + "\": use -c name=value");
    std::string name = item.substr(0, eq);
    for (auto& c : name) {
      if (c == '-') c = '_';
    }
    settings.emplace_back(name, item.substr(eq + 1));
  }
  return settings;
}

std::vector<pgwire::FieldDescription> Fields(const std::vector<std::string>& names,
                                             const std::vector<duckdb::LogicalType>& types,
                                             const std::vector<int16_t>& formats) {
  std::vector<pgwire::FieldDescription> fields;
  for (size_t i = 0; i < names.size(); i++) {
    pgwire::PgType type = pgwire::PgTypeFor(types[i]);
    pgwire::FieldDescription f;
    f.name = names[i];
    f.type_oid = type.oid;
    f.type_size = type.size;
    f.type_modifier = type.modifier;
    f.format = i < formats.size() ? formats[i] : 0;
    fields.push_back(std::move(f));
  }
  return fields;
}

std::string CompletionTag(const session::StatementResult& result, int64_t rows) {
  if (result.copy) return "COPY " + std::to_string(rows);
  if (result.rows) {
    if (result.tag == "SHOW") return "SHOW";
    if (result.tag == "FETCH") return "FETCH " + std::to_string(rows);
    return "SELECT " + std::to_string(rows);
  }
  return result.tag;
}

pgwire::CopyOptions CopyOptionsFor(const session::CopySpec& spec, const std::vector<std::string>& names) {
  pgwire::CopyFormat format = spec.format == session::CopySpec::Format::kCsv      ? pgwire::CopyFormat::kCsv
                              : spec.format == session::CopySpec::Format::kBinary ? pgwire::CopyFormat::kBinary
                                                                                  : pgwire::CopyFormat::kText;
  pgwire::CopyOptions options = pgwire::DefaultCopyOptions(format);
  if (spec.delimiter) options.delimiter = *spec.delimiter;
  if (spec.null_string) options.null_string = *spec.null_string;
  options.header = spec.header;
  if (spec.quote) options.quote = *spec.quote;
  if (spec.escape)
    options.escape = *spec.escape;
  else if (spec.quote)
    options.escape = *spec.quote;
  options.force_quote.assign(names.size(), false);
  for (const auto& column : spec.force_quote) {
    for (size_t i = 0; i < names.size(); i++) {
      if (column == "*" || names[i] == column) options.force_quote[i] = true;
    }
  }
  return options;
}

}  // namespace

// A statement from Parse: its text and the parameter types the client declared.
struct PgConnection::Prepared {
  std::string sql;
  std::vector<uint32_t> declared;  // 0 = unspecified
  // What Describe found, for the session state it was found in.
  std::optional<session::StatementShape> shape;
  std::string shape_key;
};

// A portal from Bind: the statement with its parameters, and once running,
// its result and the rows not sent yet.
struct PgConnection::Portal {
  std::string sql;
  std::string role;  // the role it was bound under
  std::vector<duckdb::Value> parameters;
  std::vector<int16_t> result_formats;  // as sent in Bind
  bool started = false;
  bool finished = false;
  std::optional<session::StatementResult> result;
  std::vector<int16_t> formats;  // expanded per column
  std::unique_ptr<duckdb::DataChunk> pending;
  size_t pending_offset = 0;
  int64_t sent = 0;
  bool header_sent = false;  // COPY's start
  // Rows drained into memory when another statement had to run.
  std::vector<std::unique_ptr<duckdb::DataChunk>> materialized;
  Status status;
};

PgConnection::PgConnection(Server* server, int fd, std::string peer, int32_t pid, int32_t secret)
    : server_(server), fd_(fd), peer_(std::move(peer)), pid_(pid), secret_(secret) {}

PgConnection::~PgConnection() {
  portals_.clear();
  session_.reset();
  stream_.reset();
  ::close(fd_);
}

void PgConnection::Interrupt(StopReason reason) {
  stop_reason_.store(static_cast<int>(reason));
  if (reason == StopReason::kShutdown) {
    abandon_.store(true);
    server_->limiter().WakeAll();
  }
  std::lock_guard<std::mutex> lock(session_mu_);
  if (session_ && !idle_.load()) session_->Interrupt();
}

void PgConnection::Run() {
  server_->Register(this);
  // The startup phase must finish in time; later reads wait in poll().
  struct timeval timeout = {static_cast<time_t>(server_->options().authentication_timeout_ms / 1000),
                            static_cast<suseconds_t>((server_->options().authentication_timeout_ms % 1000) * 1000)};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  stream_ = PlainStream(fd_);
  Status status = Startup();
  if (status.ok()) {
    struct timeval none = {0, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof(none));
    server_->SessionBusy(true);  // until it waits for its client (ReadMessage)
    status = Serve();
    server_->SessionBusy(false);
  }
  if (!status.ok() && status.code() != StatusCode::kIoError) {
    Log("info", "connection_closed", {{"pid", pid_}, {"peer", peer_}, {"user", user_}, {"reason", status.message()}});
  }
  {
    std::lock_guard<std::mutex> lock(session_mu_);
    portals_.clear();
    session_.reset();
  }
  server_->Unregister(this);
}

bool PgConnection::PollBriefly() {
  int64_t window = server_->options().idle_poll_us;
  if (window <= 0 || !poll_next_ || !server_->BeginPolling()) return false;
  auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(window);
  struct pollfd socket = {fd_, POLLIN, 0};
  bool arrived = false;
  do {
    arrived = ::poll(&socket, 1, 0) > 0;
  } while (!arrived && std::chrono::steady_clock::now() < until);
  server_->EndPolling();
  poll_next_ = arrived;
  return arrived;
}

// --- I/O --------------------------------------------------------------------------

Status PgConnection::ReadExact(char* out, size_t size) {
  while (size > 0) {
    if (in_pos_ < in_len_) {
      size_t n = std::min(size, in_len_ - in_pos_);
      std::memcpy(out, in_.get() + in_pos_, n);
      in_pos_ += n;
      out += n;
      size -= n;
      continue;
    }
    // About to wait for the client: send what is pending first (as
    // PostgreSQL flushes before it blocks), so a pipelined
    // Parse/Bind/Describe/Execute/Sync costs one write, not one per message.
    if (!stream_->HasPending()) WEIR_RETURN_IF_ERROR(Flush());
    if (!in_) in_ = std::make_unique_for_overwrite<char[]>(kInputBufferSize);
    in_pos_ = 0;
    in_len_ = 0;
    auto got = stream_->Read(in_.get(), kInputBufferSize);
    if (!got.ok()) return got.status();
    if (*got == 0) return Status::IoError("the client closed the connection");
    in_len_ = *got;
  }
  return Status::Ok();
}

Status PgConnection::Flush() {
  if (out_.empty()) return Status::Ok();
  Status status = stream_->Write(out_);
  out_.clear();
  return status;
}

Result<char> PgConnection::ReadMessage(std::string* body, bool idle_wait, int32_t max_body) {
  if (idle_wait && in_pos_ >= in_len_ && !stream_->HasPending()) {
    WEIR_RETURN_IF_ERROR(Flush());
    // Wait for the client, the idle timeout or the server's shutdown.
    int64_t idle_limit = server_->options().idle_session_timeout_ms;
    int64_t started = NowMs();
    auto waiting = std::chrono::steady_clock::now();
    WaitingForClient not_busy(server_);
    bool polled = PollBriefly();
    while (!polled) {
      struct pollfd fds[2] = {{fd_, POLLIN, 0}, {server_->shutdown_fd(), POLLIN, 0}};
      int wait = idle_limit > 0 ? static_cast<int>(std::max<int64_t>(1, idle_limit - (NowMs() - started))) : -1;
      int ready = ::poll(fds, 2, wait);
      if (ready < 0 && errno == EINTR) continue;
      if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) break;
      if (server_->shutting_down()) {
        return Status(StatusCode::kAdminShutdown, "terminating connection due to administrator command");
      }
      if (ready == 0 && idle_limit > 0) {
        return Status(StatusCode::kIdleTimeout, "terminating connection due to idle-session timeout");
      }
    }
    // A client that answered within the window is worth polling for next time.
    auto waited = std::chrono::steady_clock::now() - waiting;
    if (!polled && waited <= std::chrono::microseconds(server_->options().idle_poll_us)) poll_next_ = true;
  }
  char header[5];
  WEIR_RETURN_IF_ERROR(ReadExact(header, 5));
  auto length = static_cast<int32_t>(ReadUint32(header + 1));
  Status valid = pgwire::CheckMessageLength(length, max_body);
  if (!valid.ok()) return Status::ProtocolViolation("invalid message length " + std::to_string(length));
  body->resize(static_cast<size_t>(length) - 4);
  WEIR_RETURN_IF_ERROR(ReadExact(body->data(), body->size()));
  return header[0];
}

void PgConnection::SendError(const Status& status) {
  pgwire::WriteErrorResponse(&out_, pgwire::ErrorFieldsFor(status));
}

Status PgConnection::SendFatal(const Status& status) {
  pgwire::WriteErrorResponse(&out_, pgwire::ErrorFieldsFor(status, "FATAL"));
  Flush().ok();
  return status;
}

void PgConnection::SendParameterChanges() {
  if (!session_) return;
  for (auto& [name, value] : session_->TakeChangedReports()) pgwire::WriteParameterStatus(&out_, name, value);
}

// --- startup and authentication -------------------------------------------------------

Status PgConnection::Startup() {
  pgwire::StartupPacket packet;
  while (true) {
    char length_bytes[4];
    WEIR_RETURN_IF_ERROR(ReadExact(length_bytes, 4));
    auto length = static_cast<int32_t>(ReadUint32(length_bytes));
    Status valid = pgwire::CheckStartupLength(length);
    if (!valid.ok()) return SendFatal(Status::ProtocolViolation(valid.message()));
    std::string body(static_cast<size_t>(length) - 4, '\0');
    WEIR_RETURN_IF_ERROR(ReadExact(body.data(), body.size()));
    auto parsed = pgwire::ParseStartupPacket(body);
    if (!parsed.ok()) {
      return SendFatal(parsed.status().code() == StatusCode::kFeatureNotSupported
                           ? parsed.status()
                           : Status::ProtocolViolation(parsed.status().message()));
    }
    packet = std::move(parsed).value();
    if (packet.kind == pgwire::StartupKind::kCancel) {
      server_->Cancel(packet.cancel_pid, packet.cancel_secret);
      return Status::IoError("cancel request handled");
    }
    if (packet.kind == pgwire::StartupKind::kGssEncRequest) {
      WEIR_RETURN_IF_ERROR(stream_->Write("N"));
      continue;
    }
    if (packet.kind == pgwire::StartupKind::kSslRequest) {
      if (stream_->secure() || server_->tls() == nullptr) {
        WEIR_RETURN_IF_ERROR(stream_->Write("N"));
        continue;
      }
      if (in_pos_ < in_len_) {
        // Bytes after SSLRequest before the handshake: a man in the middle
        // could have injected them (CVE-2021-23214).
        return SendFatal(Status::ProtocolViolation("received unencrypted data after SSL request"));
      }
      WEIR_RETURN_IF_ERROR(stream_->Write("S"));
      WEIR_ASSIGN_OR_RETURN(stream_, server_->tls()->Accept(fd_));
      continue;
    }
    break;
  }
  if (server_->tls() != nullptr && !stream_->secure()) {
    return SendFatal(Status::InvalidAuthorization(
        "this server requires TLS: connect with sslmode=require (or verify-full with its certificate)"));
  }
  std::map<std::string, std::string> params;
  std::vector<std::string> unknown_protocol_options;
  for (auto& [name, value] : packet.parameters) {
    if (name.rfind("_pq_.", 0) == 0) {
      unknown_protocol_options.push_back(name);
      continue;
    }
    params[name] = value;
  }
  if ((packet.protocol & 0xffff) != 0 || !unknown_protocol_options.empty()) {
    // NegotiateProtocolVersion: we speak 3.0 and none of the options.
    pgwire::MessageWriter writer(&out_, 'v');
    writer.Int32(pgwire::kProtocolVersion3).Int32(static_cast<int32_t>(unknown_protocol_options.size()));
    for (const auto& option : unknown_protocol_options) writer.CString(option);
  }
  if (params.count("replication") && params["replication"] != "false" && params["replication"] != "0") {
    return SendFatal(Status::NotSupported("replication connections are not supported"));
  }
  auto user = params.find("user");
  if (user == params.end() || user->second.empty()) {
    return SendFatal(Status::InvalidAuthorization("no PostgreSQL user name specified in startup packet"));
  }
  if (server_->active_connections() > server_->options().max_connections) {
    return SendFatal(Status(StatusCode::kTooManyConnections, "sorry, too many clients already"));
  }
  if (server_->shutting_down()) {
    return SendFatal(Status(StatusCode::kAdminShutdown, "the server is shutting down"));
  }
  auto settings = OptionSettings(params.count("options") ? params["options"] : "");
  if (!settings.ok()) return SendFatal(Status::ProtocolViolation(settings.status().message()));
  std::optional<std::string> requested_role;
  for (auto& [name, value] : *settings) {
    if (name == "role") requested_role = value;
  }

  std::string user_name, session_name;
  std::optional<std::string> claimed_role;
  Status authenticated = Authenticate(user->second, &user_name, &claimed_role, &session_name);
  auto audit_connect = [&](const Status& outcome, const std::string& role) {
    audit::Record r;
    r.kind = "connection";
    r.action = "connect";
    r.actor = user_name.empty() ? user->second : user_name;
    r.source_identity = r.actor;
    r.role = role;
    r.decision = outcome.ok() ? "allow" : "deny";
    r.detail = {{"peer", peer_}, {"pid", pid_}, {"tls", stream_->secure()}};
    if (params.count("application_name")) r.detail["application_name"] = params["application_name"];
    if (!outcome.ok()) r.error = std::string(outcome.sqlstate()) + ": " + outcome.message();
    server_->data_dir().audit().RecordQuery(std::move(r));
  };
  if (!authenticated.ok()) {
    audit_connect(authenticated, requested_role.value_or(""));
    return SendFatal(authenticated);
  }
  user_ = user_name;

  // The runtime role: asked for at connect, else the user's execution role.
  auto snapshot = server_->data_dir().snapshot();
  const iam::Directory& directory = snapshot->directory();
  const iam::User* account = directory.FindUser(user_name);
  std::string role = claimed_role ? *claimed_role : requested_role ? *requested_role : account->execution_role;
  if (claimed_role && requested_role && directory.FindRole(*requested_role) != directory.FindRole(*claimed_role)) {
    Status denied = Status::InvalidAuthorization("these temporary credentials are for role " + *claimed_role +
                                                 ", not " + *requested_role);
    audit_connect(denied, *requested_role);
    return SendFatal(denied);
  }
  // The runtime role assumption, allowed or denied, is a record of its
  // own (as SET ROLE's are), besides the connection's.
  auto audit_assume = [&](const Status& outcome, const std::string& assumed) {
    audit::Record r;
    r.kind = "session";
    r.action = "assume_role";
    r.actor = user_name;
    r.source_identity = user_name;
    r.role = assumed;
    r.decision = outcome.ok() ? "allow" : "deny";
    r.detail = {{"via", "connect"}, {"peer", peer_}, {"pid", pid_}};
    if (!session_name.empty()) r.detail["session_name"] = session_name;
    if (claimed_role) r.detail["temporary_credentials"] = true;
    if (!outcome.ok()) r.error = std::string(outcome.sqlstate()) + ": " + outcome.message();
    server_->data_dir().audit().RecordQuery(std::move(r));
  };
  iam::AssumeDecision decision = directory.CanAssume(user_name, role);
  if (!decision.allowed) {
    Status denied =
        Status::InvalidAuthorization("user " + user_name + " may not use role " + role + ": " + decision.message);
    audit_assume(denied, role);
    audit_connect(denied, role);
    return SendFatal(denied);
  }
  std::string role_name = directory.FindRole(role)->name;
  audit_assume(Status::Ok(), role_name);

  session::SessionContext context;
  context.engine = &server_->engine();
  admin::DataDir* dir = &server_->data_dir();
  context.snapshot = [dir] { return dir->snapshot(); };
  context.audit = &dir->audit();
  context.assume_role = [dir, user_name](const std::string& target) -> Result<std::string> {
    auto current = dir->snapshot();
    iam::AssumeDecision d = current->directory().CanAssume(user_name, target);
    if (!d.allowed) {
      return Status::InvalidAuthorization("user " + user_name + " may not use role " + target + ": " + d.message);
    }
    return current->directory().FindRole(target)->name;
  };
  auto opened = session::Session::Open(std::move(context), {user_name, user_name, role_name, session_name});
  if (!opened.ok()) {
    audit_connect(opened.status(), role_name);
    return SendFatal(opened.status());
  }
  {
    std::lock_guard<std::mutex> lock(session_mu_);
    session_ = std::move(opened).value();
  }
  // Startup settings: the parameters drivers send, then options' -c ones.
  static const char* kIgnored[] = {"user", "database", "options", "replication"};
  for (auto& [name, value] : params) {
    if (std::find(std::begin(kIgnored), std::end(kIgnored), name) != std::end(kIgnored)) continue;
    Status applied = session_->ApplyStartupSetting(name, value);
    if (!applied.ok() && applied.code() != StatusCode::kNotFound) {
      audit_connect(applied, role_name);
      return SendFatal(applied);
    }
  }
  for (auto& [name, value] : *settings) {
    if (name == "role") continue;
    Status applied = session_->ApplyStartupSetting(name, value);
    if (!applied.ok()) {
      audit_connect(applied, role_name);
      return SendFatal(applied);
    }
  }
  // The database parameter names a lake database (psql sends the user name
  // by default: that means none).
  std::string database = params.count("database") ? params["database"] : "";
  if (!database.empty() && database != user->second && database != user_name) {
    if (!snapshot->DatabaseVisible(role_name, database)) {
      Status missing = Status::UndefinedDatabase("database \"" + database + "\" does not exist");
      audit_connect(missing, role_name);
      return SendFatal(missing);
    }
    Status used = session_->ApplyStartupSetting("search_path", "\"" + database + "\"");
    if (!used.ok()) return SendFatal(used);
  }
  audit_connect(Status::Ok(), role_name);
  Log("info", "connected", {{"pid", pid_}, {"peer", peer_}, {"user", user_name}, {"role", role_name}});

  pgwire::WriteAuthenticationOk(&out_);
  SendParameterChanges();
  pgwire::WriteBackendKeyData(&out_, pid_, secret_);
  pgwire::WriteReadyForQuery(&out_, 'I');
  return Flush();
}

Status PgConnection::Authenticate(const std::string& user, std::string* user_name,
                                  std::optional<std::string>* claimed_role, std::string* session_name) {
  auto snapshot = server_->data_dir().snapshot();
  const iam::Directory& directory = snapshot->directory();
  auto failed = [&] {
    return Status::AuthenticationFailed("password authentication failed for user \"" + user + "\"");
  };
  auto read_password_message = [&](std::string* body) -> Status {
    WEIR_RETURN_IF_ERROR(Flush());
    // PostgreSQL's PG_MAX_AUTH_TOKEN_LENGTH: authentication messages are small.
    constexpr int32_t kMaxAuthenticationMessage = 65535;
    auto type = ReadMessage(body, false, kMaxAuthenticationMessage);
    if (!type.ok()) return type.status();
    if (*type != 'p') return Status::ProtocolViolation("expected a password message");
    return Status::Ok();
  };

  if (auto sts_user = iam::SessionUserFromName(user)) {
    // Temporary credentials: the password is a signed token the server
    // checks itself, so it must see it (over TLS).
    pgwire::WriteAuthenticationCleartextPassword(&out_);
    std::string body;
    WEIR_RETURN_IF_ERROR(read_password_message(&body));
    auto password = pgwire::ParsePasswordMessage(body);
    if (!password.ok()) return Status::ProtocolViolation(password.status().message());
    const iam::User* account = directory.FindUser(*sts_user);
    if (account == nullptr || !account->enabled || snapshot->session_key().empty()) return failed();
    auto claims = iam::VerifySessionPassword(snapshot->session_key(), *sts_user, *password, UnixSeconds());
    if (!claims.ok()) {
      return Status::AuthenticationFailed("temporary credentials for user \"" + *sts_user +
                                          "\" were refused: " + claims.status().message());
    }
    *user_name = *sts_user;
    *claimed_role = claims->role;
    *session_name = claims->session_name;
    return Status::Ok();
  }

  const iam::User* account = directory.FindUser(user);
  std::optional<iam::ScramVerifier> verifier;
  if (account != nullptr && account->enabled && account->password.iterations > 0) verifier = account->password;
  // The mock salt for unknown users depends on the name (and a server
  // secret), so it is stable per name and says nothing about existence.
  pgwire::ScramExchange exchange(verifier, snapshot->session_key() + ":" + user);
  pgwire::WriteAuthenticationSasl(&out_, {"SCRAM-SHA-256"});
  std::string body;
  WEIR_RETURN_IF_ERROR(read_password_message(&body));
  auto initial = pgwire::ParseSaslInitialResponse(body);
  if (!initial.ok()) return Status::ProtocolViolation(initial.status().message());
  if (initial->mechanism != "SCRAM-SHA-256") {
    return Status::ProtocolViolation("client selected an invalid SASL authentication mechanism");
  }
  auto server_first = exchange.ClientFirst(initial->data.value_or(""));
  if (!server_first.ok()) {
    if (server_first.status().code() == StatusCode::kFeatureNotSupported) return server_first.status();
    return Status::ProtocolViolation(server_first.status().message());
  }
  pgwire::WriteAuthenticationSaslContinue(&out_, *server_first);
  WEIR_RETURN_IF_ERROR(read_password_message(&body));
  auto server_final = exchange.ClientFinal(body);
  if (!server_final.ok()) {
    if (server_final.status().code() == StatusCode::kPermissionDenied) return failed();
    return Status::ProtocolViolation(server_final.status().message());
  }
  pgwire::WriteAuthenticationSaslFinal(&out_, *server_final);
  *user_name = user;
  return Status::Ok();
}

// --- the message loop --------------------------------------------------------------------

Status PgConnection::Serve() {
  std::string body;
  while (true) {
    idle_.store(true);
    auto type = ReadMessage(&body, true);
    if (!type.ok()) {
      if (type.status().code() == StatusCode::kIdleTimeout || type.status().code() == StatusCode::kAdminShutdown ||
          type.status().code() == StatusCode::kProtocolViolation) {
        return SendFatal(type.status());
      }
      return type.status();
    }
    idle_.store(false);
    if (skip_until_sync_ && *type != 'S' && *type != 'X') continue;
    Status status;
    switch (*type) {
      case 'Q': {
        auto query = pgwire::ParseQuery(body);
        if (!query.ok()) return SendFatal(Status::ProtocolViolation(query.status().message()));
        status = SimpleQuery(query->sql);
        break;
      }
      case 'P':
        status = ParseMessage(body);
        break;
      case 'B':
        status = BindMessage(body);
        break;
      case 'D':
        status = DescribeMessage(body);
        break;
      case 'E':
        status = ExecuteMessage(body);
        break;
      case 'C':
        status = CloseMessage(body);
        break;
      case 'S':
        status = Sync();
        break;
      case 'H':
        status = Flush();
        break;
      case 'X':
        return Status::Ok();
      case 'd':
      case 'c':
      case 'f':
        // CopyData/CopyDone/CopyFail outside COPY FROM: PostgreSQL ignores them.
        break;
      default:
        return SendFatal(Status::ProtocolViolation(std::string("invalid frontend message type ") +
                                                   std::to_string(static_cast<unsigned char>(*type))));
    }
    if (!status.ok()) {
      if (status.code() == StatusCode::kIoError || status.code() == StatusCode::kProtocolViolation ||
          status.code() == StatusCode::kAdminShutdown) {
        if (status.code() != StatusCode::kIoError) return SendFatal(status);
        return status;
      }
      // An error in the extended protocol: report it and skip to Sync.
      SendError(status);
      skip_until_sync_ = true;
    }
  }
}

template <typename F>
auto PgConnection::Guarded(F&& work) -> decltype(work()) {
  std::string role = session_->identity().role;
  if (!server_->limiter().Acquire(role, abandon_)) {
    return Status(StatusCode::kAdminShutdown, "terminating connection due to administrator command");
  }
  stop_reason_.store(static_cast<int>(StopReason::kNone));
  int64_t timeout = session_->statement_timeout_ms();
  deadline_ms_.store(timeout > 0 ? NowMs() + timeout : 0);
  auto result = work();
  deadline_ms_.store(0);
  server_->limiter().Release(role);
  return result;
}

Status PgConnection::MapInterruption(const Status& status) {
  if (status.code() != StatusCode::kCancelled) return status;
  switch (static_cast<StopReason>(stop_reason_.load())) {
    case StopReason::kTimeout:
      return Status::Cancelled("canceling statement due to statement timeout");
    case StopReason::kShutdown:
      return Status(StatusCode::kAdminShutdown, "terminating connection due to administrator command");
    default:
      return Status::Cancelled("canceling statement due to user request");
  }
}

Status PgConnection::SimpleQuery(const std::string& sql) {
  // A simple query ends the extended-protocol exchange in progress.
  skip_until_sync_ = false;
  MaterializeOpenPortals(nullptr);
  portals_.erase("");
  bool any = false;
  static const std::vector<duckdb::Value> kNone;
  Status outcome;
  auto statements = session::SplitStatements(sql);
  // PostgreSQL parses the whole message first: a syntax error (an
  // unterminated comment after complete statements too) runs nothing.
  Status syntax;
  for (size_t i = 0; syntax.ok() && i < statements.size(); i++) syntax = session_->CheckSyntax(statements[i].text);
  if (!syntax.ok()) {
    SendError(syntax);
    session_->FailTransaction();
    pgwire::WriteReadyForQuery(&out_, session_->transaction_status());
    return Flush();
  }
  for (const auto& statement : statements) {
    any = true;
    Status status = Guarded([&]() -> Status {
      auto result = session_->ExecuteOne(statement.text, kNone);
      if (!result.ok()) return result.status();
      if (result->deallocate) {
        if (result->deallocate->empty()) {
          prepared_.clear();
        } else if (prepared_.erase(*result->deallocate) == 0) {
          return Status(StatusCode::kInvalidStatementName,
                        "prepared statement \"" + *result->deallocate + "\" does not exist");
        }
      }
      int64_t sent = 0;
      bool suspended = false;
      return SendRows(*result, {}, true, 0, &sent, &suspended, nullptr);
    });
    status = MapInterruption(status);
    SendParameterChanges();
    if (!status.ok()) {
      if (status.code() == StatusCode::kIoError || status.code() == StatusCode::kAdminShutdown) return status;
      SendError(status);
      outcome = status;
      break;
    }
  }
  if (!any) pgwire::WriteEmptyQueryResponse(&out_);
  if (session_->transaction_status() == 'I') DropPortals();
  pgwire::WriteReadyForQuery(&out_, session_->transaction_status());
  return Flush();
}

Status PgConnection::SendRows(session::StatementResult& result, const std::vector<int16_t>& formats, bool describe_rows,
                              int64_t max_rows, int64_t* sent, bool* suspended, Portal* portal, int64_t sent_before) {
  *suspended = false;
  if (!result.rows) {
    pgwire::WriteCommandComplete(&out_, CompletionTag(result, 0));
    return Status::Ok();
  }
  const auto& names = result.rows->names();
  const auto& types = result.rows->types();
  std::unique_ptr<pgwire::CopyEncoder> copy;
  std::unique_ptr<pgwire::RowEncoder> rows;
  if (result.copy) {
    auto options = CopyOptionsFor(*result.copy, names);
    bool binary = options.format == pgwire::CopyFormat::kBinary;
    copy = std::make_unique<pgwire::CopyEncoder>(std::vector<duckdb::LogicalType>(types.begin(), types.end()), names,
                                                 options);
    if (portal == nullptr || !portal->header_sent) {
      pgwire::WriteCopyOutResponse(&out_, binary ? 1 : 0, std::vector<int16_t>(names.size(), binary ? 1 : 0));
      copy->AppendStart(&out_);
      if (portal) portal->header_sent = true;
    }
  } else {
    std::vector<int16_t> expanded = formats;
    expanded.resize(names.size(), 0);
    if (describe_rows) pgwire::WriteRowDescription(&out_, Fields(names, types, expanded));
    rows = std::make_unique<pgwire::RowEncoder>(std::vector<duckdb::LogicalType>(types.begin(), types.end()), expanded);
  }
  auto emit = [&](duckdb::DataChunk& chunk, size_t begin, size_t end) {
    if (copy) {
      copy->AppendRows(chunk, begin, end, &out_);
    } else {
      rows->AppendDataRows(chunk, begin, end, &out_);
    }
  };
  std::unique_ptr<duckdb::DataChunk> local_pending;
  size_t local_offset = 0;
  auto& pending = portal ? portal->pending : local_pending;
  auto& offset = portal ? portal->pending_offset : local_offset;
  while (true) {
    if (!pending || offset >= pending->size()) {
      if (portal && !portal->materialized.empty()) {
        pending = std::move(portal->materialized.front());
        portal->materialized.erase(portal->materialized.begin());
      } else {
        auto next = result.rows->Next();
        if (!next.ok()) return next.status();
        pending = std::move(next).value();
      }
      offset = 0;
      if (!pending) break;
      continue;
    }
    size_t available = pending->size() - offset;
    size_t take = available;
    if (max_rows > 0) {
      if (*sent >= max_rows) {
        *suspended = true;
        return Status::Ok();
      }
      take = std::min<size_t>(available, static_cast<size_t>(max_rows - *sent));
    }
    emit(*pending, offset, offset + take);
    offset += take;
    *sent += static_cast<int64_t>(take);
    if (out_.size() >= 256 * 1024) WEIR_RETURN_IF_ERROR(Flush());
  }
  if (copy) {
    copy->AppendEnd(&out_);
    pgwire::WriteCopyDone(&out_);
  }
  pgwire::WriteCommandComplete(&out_, CompletionTag(result, sent_before + *sent));
  return Status::Ok();
}

// --- extended protocol ---------------------------------------------------------------------

Status PgConnection::ParseMessage(const std::string& body) {
  auto message = pgwire::ParseParse(body);
  if (!message.ok()) return Status::ProtocolViolation(message.status().message());
  if (!message->statement.empty() && prepared_.count(message->statement)) {
    return Status(StatusCode::kDuplicateObject, "prepared statement \"" + message->statement + "\" already exists");
  }
  WEIR_RETURN_IF_ERROR(session_->CheckSyntax(message->sql));
  auto prepared = std::make_unique<Prepared>();
  prepared->sql = std::move(message->sql);
  prepared->declared = std::move(message->param_types);
  prepared_[message->statement] = std::move(prepared);
  pgwire::WriteParseComplete(&out_);
  return Status::Ok();
}

Status PgConnection::BindMessage(const std::string& body) {
  auto message = pgwire::ParseBind(body);
  if (!message.ok()) return Status::ProtocolViolation(message.status().message());
  auto statement = prepared_.find(message->statement);
  if (statement == prepared_.end()) {
    return Status(StatusCode::kInvalidStatementName,
                  "prepared statement \"" + message->statement + "\" does not exist");
  }
  if (!message->portal.empty() && portals_.count(message->portal)) {
    return Status(StatusCode::kDuplicateObject, "portal \"" + message->portal + "\" already exists");
  }
  Prepared& prepared = *statement->second;
  auto formats = pgwire::ExpandFormats(message->param_formats, message->params.size());
  if (!formats.ok()) return Status::ProtocolViolation(formats.status().message());
  // Parameters the client left untyped take the type DuckDB infers for them.
  bool need_shape = false;
  for (size_t i = 0; i < message->params.size(); i++) {
    uint32_t declared = i < prepared.declared.size() ? prepared.declared[i] : 0;
    if (declared == 0 && message->params[i]) need_shape = true;
  }
  std::vector<duckdb::LogicalType> inferred;
  if (need_shape) {
    std::string key = session_->identity().role + "\n" + session_->current_database();
    if (!prepared.shape || prepared.shape_key != key) {
      WEIR_ASSIGN_OR_RETURN(auto shape, Guarded([&] { return session_->Describe(prepared.sql); }));
      prepared.shape = std::move(shape);
      prepared.shape_key = key;
    }
    inferred = prepared.shape->parameter_types;
  }
  auto portal = std::make_unique<Portal>();
  portal->sql = prepared.sql;
  portal->role = session_->identity().role;
  for (size_t i = 0; i < message->params.size(); i++) {
    // An untyped parameter is read as the PostgreSQL type of what DuckDB
    // inferred, with PostgreSQL's input rules (pgwire::DecodeParameter).
    uint32_t type_oid = i < prepared.declared.size() ? prepared.declared[i] : 0;
    bool untyped = type_oid == 0 && i < inferred.size();
    if (untyped) type_oid = pgwire::PgTypeFor(inferred[i]).oid;
    auto value = pgwire::DecodeParameter(type_oid, (*formats)[i], message->params[i]);
    if (!value.ok()) {
      return Status::DataError("parameter $" + std::to_string(i + 1) + ": " + value.status().message());
    }
    duckdb::Value decoded = std::move(value).value();
    if (untyped && !decoded.IsNull() && decoded.type() != inferred[i]) {
      duckdb::Value cast;
      std::string error;
      if (!decoded.DefaultTryCastAs(inferred[i], cast, &error, true)) {
        return Status::DataError("invalid input for parameter $" + std::to_string(i + 1) + " of type " +
                                 inferred[i].ToString() + ": \"" + decoded.ToString() + "\"");
      }
      decoded = std::move(cast);
    }
    portal->parameters.push_back(std::move(decoded));
  }
  portal->result_formats = std::move(message->result_formats);
  portals_[message->portal] = std::move(portal);
  pgwire::WriteBindComplete(&out_);
  return Status::Ok();
}

Status PgConnection::DescribeMessage(const std::string& body) {
  auto message = pgwire::ParseDescribe(body);
  if (!message.ok()) return Status::ProtocolViolation(message.status().message());
  if (message->kind == 'S') {
    auto statement = prepared_.find(message->name);
    if (statement == prepared_.end()) {
      return Status(StatusCode::kInvalidStatementName, "prepared statement \"" + message->name + "\" does not exist");
    }
    Prepared& prepared = *statement->second;
    WEIR_ASSIGN_OR_RETURN(auto shape, Guarded([&] { return session_->Describe(prepared.sql); }));
    std::vector<uint32_t> oids;
    size_t count = std::max(shape.parameter_types.size(), prepared.declared.size());
    for (size_t i = 0; i < count; i++) {
      uint32_t declared = i < prepared.declared.size() ? prepared.declared[i] : 0;
      oids.push_back(declared != 0                      ? declared
                     : i < shape.parameter_types.size() ? pgwire::PgTypeFor(shape.parameter_types[i]).oid
                                                        : 25);
    }
    pgwire::WriteParameterDescription(&out_, oids);
    if (shape.returns_rows) {
      pgwire::WriteRowDescription(&out_, Fields(shape.names, shape.types, {}));
    } else {
      pgwire::WriteNoData(&out_);
    }
    prepared.shape = std::move(shape);
    prepared.shape_key = session_->identity().role + "\n" + session_->current_database();
    return Status::Ok();
  }
  auto it = portals_.find(message->name);
  if (it == portals_.end()) {
    if (auto cursor = session_->CursorShape(message->name)) {
      pgwire::WriteRowDescription(&out_, Fields(cursor->names, cursor->types, {}));
      return Status::Ok();
    }
    return Status(StatusCode::kInvalidCursor, "portal \"" + message->name + "\" does not exist");
  }
  Portal& portal = *it->second;
  if (!portal.started) {
    // The rows' shape is known once the statement runs: start it now; Execute streams.
    MaterializeOpenPortals(&portal);
    portal.started = true;
    auto result = Guarded([&] { return session_->ExecuteOne(portal.sql, portal.parameters); });
    if (!result.ok()) {
      portal.finished = true;
      return MapInterruption(result.status());
    }
    portal.result = std::move(result).value();
  }
  if (!portal.result || !portal.result->rows || portal.result->copy) {
    pgwire::WriteNoData(&out_);
    return Status::Ok();
  }
  auto formats = pgwire::ExpandFormats(portal.result_formats, portal.result->rows->names().size());
  if (!formats.ok()) return Status::ProtocolViolation(formats.status().message());
  portal.formats = *formats;
  pgwire::WriteRowDescription(&out_, Fields(portal.result->rows->names(), portal.result->rows->types(), *formats));
  return Status::Ok();
}

Status PgConnection::ExecuteMessage(const std::string& body) {
  auto message = pgwire::ParseExecute(body);
  if (!message.ok()) return Status::ProtocolViolation(message.status().message());
  auto it = portals_.find(message->portal);
  if (it == portals_.end()) {
    return Status(StatusCode::kInvalidCursor, "portal \"" + message->portal + "\" does not exist");
  }
  Portal& portal = *it->second;
  if (portal.role != session_->identity().role) {
    // SET ROLE since Bind: the portal's rows were (or would be) read with
    // another role's rights.
    portals_.erase(it);
    return Status(StatusCode::kInvalidCursor,
                  "portal \"" + message->portal + "\" was opened under another role and has been closed");
  }
  if (portal.finished) {
    // PostgreSQL: executing a completed portal again returns no rows.
    pgwire::WriteCommandComplete(&out_, portal.result ? CompletionTag(*portal.result, 0) : "SELECT 0");
    return Status::Ok();
  }
  MaterializeOpenPortals(&portal);
  Status status = Guarded([&]() -> Status {
    if (!portal.started) {
      portal.started = true;
      auto result = session_->ExecuteOne(portal.sql, portal.parameters);
      if (!result.ok()) return result.status();
      portal.result = std::move(result).value();
    }
    session::StatementResult& result = *portal.result;
    if (result.deallocate) {
      if (result.deallocate->empty()) {
        prepared_.clear();
      } else {
        prepared_.erase(*result.deallocate);
      }
    }
    if (result.rows && portal.formats.empty() && !result.copy) {
      auto formats = pgwire::ExpandFormats(portal.result_formats, result.rows->names().size());
      if (!formats.ok()) return Status::ProtocolViolation(formats.status().message());
      portal.formats = *formats;
    }
    bool suspended = false;
    // The row limit counts this Execute's rows; the tag counts the portal's.
    int64_t sent_now = 0;
    Status sent = SendRows(result, portal.formats, false, result.copy ? 0 : message->max_rows, &sent_now, &suspended,
                           &portal, portal.sent);
    portal.sent += sent_now;
    if (!sent.ok()) return sent;
    if (suspended) {
      pgwire::WritePortalSuspended(&out_);
    } else {
      portal.finished = true;
      portal.result->rows.reset();  // writes the audit record now
    }
    return Status::Ok();
  });
  SendParameterChanges();
  if (!status.ok()) {
    portal.finished = true;
    if (portal.result) portal.result->rows.reset();
    return MapInterruption(status);
  }
  return Status::Ok();
}

Status PgConnection::CloseMessage(const std::string& body) {
  auto message = pgwire::ParseClose(body);
  if (!message.ok()) return Status::ProtocolViolation(message.status().message());
  if (message->kind == 'S') {
    prepared_.erase(message->name);
  } else {
    portals_.erase(message->name);
  }
  pgwire::WriteCloseComplete(&out_);
  return Status::Ok();
}

Status PgConnection::Sync() {
  skip_until_sync_ = false;
  if (session_->transaction_status() == 'I') DropPortals();
  pgwire::WriteReadyForQuery(&out_, session_->transaction_status());
  return Flush();
}

void PgConnection::DropPortals() { portals_.clear(); }

void PgConnection::MaterializeOpenPortals(Portal* except) {
  // The session's engine connection runs one statement at a time: a
  // suspended portal's remaining rows are read into memory before another
  // statement starts on it.
  for (auto& [name, portal] : portals_) {
    if (portal.get() == except || !portal->started || portal->finished || !portal->result || !portal->result->rows) {
      continue;
    }
    while (true) {
      auto next = portal->result->rows->Next();
      if (!next.ok() || !*next) break;
      portal->materialized.push_back(std::move(next).value());
    }
  }
}

}  // namespace weir::server
