// weir demo: the seed scenario end to end. Generates the TPC-DS sample
// data, applies the seed stack (examples/seed/stack.yaml, built in), starts
// the query server and replays the walkthrough over the PostgreSQL protocol
// as David and Tina, checking each step's outcome.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>
#include <libpq-fe.h>
#include <nlohmann/json.hpp>

#include "admin/admin.h"
#include "admin/data_dir.h"
#include "audit/audit_log.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/seed_stack.h"
#include "cli/server_setup.h"
#include "common/files.h"
#include "datagen/datagen.h"
#include "iam/scram.h"
#include "server/log.h"
#include "server/server.h"
#include "stack/plan.h"
#include "store/store.h"

namespace weir::cli {

namespace {

struct DemoArgs {
  std::string data_dir = "./weir-demo";
  double scale = 0.01;
  bool serve = false;
  std::string stack_file;  // empty: the built-in seed stack
  ListenArgs listen;
};

const char* const kUsers[] = {"alice", "david", "tina"};

// D/demo-credentials.json: {"users": {"alice": {"password": "..."}, ...}},
// generated once (0600) and reused.
Result<std::map<std::string, std::string>> DemoCredentials(const std::string& dir) {
  const std::string path = dir + "/demo-credentials.json";
  std::map<std::string, std::string> passwords;
  if (std::filesystem::exists(path)) {
    std::ifstream in(path);
    auto doc = nlohmann::json::parse(in, nullptr, false);
    if (doc.is_discarded() || !doc.contains("users")) return Status::InvalidArgument(path + " is not valid JSON");
    for (const char* user : kUsers) {
      auto entry = doc["users"].find(user);
      if (entry == doc["users"].end() || !entry->contains("password")) {
        return Status::InvalidArgument(path + " has no password for " + user);
      }
      passwords[user] = (*entry)["password"].get<std::string>();
    }
    return passwords;
  }
  nlohmann::json doc = {{"users", nlohmann::json::object()}};
  for (const char* user : kUsers) {
    passwords[user] = iam::GeneratePassword();
    doc["users"][user] = {{"password", passwords[user]}};
  }
  WEIR_RETURN_IF_ERROR(WriteSecretFile(path, doc.dump(2) + "\n"));
  return passwords;
}

// Creates the data directory (bootstrap administrator, password in
// D/admin-password) unless it exists, and the sample data unless present.
Status Prepare(const DemoArgs& args) {
  namespace fs = std::filesystem;
  if (!fs::exists(fs::path(args.data_dir) / "weir.db")) {
    std::cout << "Creating " << args.data_dir << "\n";
    WEIR_RETURN_IF_ERROR(admin::DataDir::Init(args.data_dir));
    WEIR_ASSIGN_OR_RETURN(auto dir, admin::DataDir::Open(args.data_dir));
    std::string password = iam::GeneratePassword();
    WEIR_RETURN_IF_ERROR(admin::Admin(dir.get(), admin::LocalActor()).Bootstrap(iam::Cluster{}, password));
    WEIR_RETURN_IF_ERROR(WriteSecretFile(dir->path() + "/admin-password", password + "\n"));
  }
  const std::string out = args.data_dir + "/lake/tpc";
  bool complete = std::all_of(datagen::TableNames().begin(), datagen::TableNames().end(),
                              [&](const std::string& t) { return fs::exists(fs::path(out) / t); });
  if (!complete) {
    std::cout << "Generating the TPC-DS sample data (scale " << args.scale << ") into " << out << "\n";
    datagen::DatagenOptions options;
    options.scale = args.scale;
    options.out_dir = out;
    WEIR_RETURN_IF_ERROR(datagen::Generate(
        options, [](const datagen::TableProgress& p) { std::cout << "  " << p.table << ": " << p.rows << " rows\n"; }));
  }
  return Status::Ok();
}

Status ApplySeed(admin::DataDir& dir, const DemoArgs& args, const std::map<std::string, std::string>& passwords) {
  WEIR_ASSIGN_OR_RETURN(store::MetadataState state, dir.store().Load());
  const auto subs = stack::SubstitutionsFor(state.cluster);
  Result<stack::Stack> parsed = args.stack_file.empty()
                                    ? stack::ParseStack(kSeedStack, "examples/seed/stack.yaml", subs)
                                    : stack::LoadStack(args.stack_file, subs);
  if (!parsed.ok()) return parsed.status();
  auto env = [&passwords](const std::string& name) -> std::optional<std::string> {
    for (const auto& [user, password] : passwords) {
      std::string var = user + "_PASSWORD";
      std::transform(var.begin(), var.end(), var.begin(), [](unsigned char c) { return std::toupper(c); });
      if (var == name) return password;
    }
    return std::getenv(name.c_str()) ? std::optional<std::string>(std::getenv(name.c_str())) : std::nullopt;
  };
  WEIR_ASSIGN_OR_RETURN(stack::Plan plan, stack::PlanApply(*parsed, state, env));
  if (plan.empty()) {
    std::cout << "Stack " << plan.stack() << " is up to date (" << plan.unchanged() << " objects)\n";
    return Status::Ok();
  }
  admin::Admin admin(&dir, admin::LocalActor());
  WEIR_RETURN_IF_ERROR(stack::Apply(admin, plan));
  std::cout << "Applied stack " << plan.stack() << ": " << plan.changes().size() << " changes\n";
  return Status::Ok();
}

// --- the walkthrough, through libpq ---

struct Endpoint {
  std::string host;
  int port = 0;
  bool tls = true;
};

std::string ConnInfo(const Endpoint& e, const std::string& user, const std::string& password, const std::string& role) {
  auto quote = [](const std::string& v) {
    std::string out = "'";
    for (char c : v) {
      if (c == '\'' || c == '\\') out += '\\';
      out += c;
    }
    return out + "'";
  };
  return "host=" + quote(e.host == "0.0.0.0" ? "127.0.0.1" : e.host) + " port=" + std::to_string(e.port) +
         " user=" + quote(user) + " password=" + quote(password) + " sslmode=" + (e.tls ? "require" : "disable") +
         " options=" + quote("-c role=" + role) + " application_name=weir-demo connect_timeout=10";
}

// Prints a result the way psql does (aligned, with a row count).
void PrintRows(PGresult* res) {
  const int cols = PQnfields(res), rows = PQntuples(res);
  std::vector<size_t> width(cols);
  for (int c = 0; c < cols; ++c) {
    width[c] = std::strlen(PQfname(res, c));
    for (int r = 0; r < rows; ++r) width[c] = std::max<size_t>(width[c], std::strlen(PQgetvalue(res, r, c)));
  }
  auto cell = [&](const char* text, int c) {
    std::string s = text;
    return " " + s + std::string(width[c] - s.size(), ' ') + " ";
  };
  std::string line;
  for (int c = 0; c < cols; ++c) line += (c ? "|" : "") + cell(PQfname(res, c), c);
  std::cout << line << "\n";
  line.clear();
  for (int c = 0; c < cols; ++c) line += (c ? "+" : "") + std::string(width[c] + 2, '-');
  std::cout << line << "\n";
  for (int r = 0; r < rows; ++r) {
    line.clear();
    for (int c = 0; c < cols; ++c)
      line += (c ? "|" : "") + cell(PQgetisnull(res, r, c) ? "" : PQgetvalue(res, r, c), c);
    std::cout << line << "\n";
  }
  std::cout << "(" << rows << (rows == 1 ? " row" : " rows") << ")\n";
}

class Walkthrough {
 public:
  Walkthrough(Endpoint endpoint, std::map<std::string, std::string> passwords)
      : endpoint_(std::move(endpoint)), passwords_(std::move(passwords)) {}

  ~Walkthrough() { Disconnect(); }

  // Connects `user` with runtime role `role`; `expect_denied`: the
  // connection must fail (the runtime-role checks refuse it).
  bool Connect(const std::string& user, const std::string& role, const std::string& note, bool expect_denied) {
    Disconnect();
    std::cout << "\n== " << note << "\n$ PGOPTIONS='-c role=" << role << "' psql -h " << endpoint_.host << " -U "
              << user << "\n";
    conn_ = PQconnectdb(ConnInfo(endpoint_, user, passwords_[user], role).c_str());
    bool ok = PQstatus(conn_) == CONNECTION_OK;
    if (!ok) {
      std::string message = PQerrorMessage(conn_);
      std::cout << message << (message.empty() || message.back() != '\n' ? "\n" : "");
      Disconnect();
    } else {
      PQsetNoticeProcessor(
          conn_, [](void*, const char*) {}, nullptr);
      std::cout << "connected as " << user << " with role " << role << "\n";
    }
    return Check(ok != expect_denied, expect_denied ? "the connection is refused" : "the connection succeeds");
  }

  // Runs `sql`; expects `sqlstate` ("" = success). `check` inspects a
  // successful result.
  bool Run(const std::string& sql, const std::string& sqlstate, const std::string& expectation,
           const std::function<bool(PGresult*)>& check = nullptr) {
    std::cout << "\n" << PQuser(conn_) << "=> " << sql << ";\n";
    PGresult* res = PQexec(conn_, sql.c_str());
    ExecStatusType status = PQresultStatus(res);
    bool ok = status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK;
    std::string state =
        ok ? "" : (PQresultErrorField(res, PG_DIAG_SQLSTATE) ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : "");
    if (status == PGRES_TUPLES_OK) {
      PrintRows(res);
    } else if (status == PGRES_COMMAND_OK) {
      std::cout << PQcmdStatus(res) << "\n";
    } else {
      std::cout << "ERROR:  " << state << ": " << PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) << "\n";
    }
    bool as_expected = state == sqlstate && (!ok || !check || check(res));
    PQclear(res);
    return Check(as_expected, expectation);
  }

  int failures() const { return failures_; }

 private:
  bool Check(bool ok, const std::string& expectation) {
    std::cout << (ok ? "   as expected: " : "   NOT AS EXPECTED: ") << expectation << "\n";
    if (!ok) ++failures_;
    return ok;
  }

  void Disconnect() {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = nullptr;
  }

  Endpoint endpoint_;
  std::map<std::string, std::string> passwords_;
  PGconn* conn_ = nullptr;
  int failures_ = 0;
};

bool HasColumn(PGresult* res, const std::string& name) { return PQfnumber(res, name.c_str()) >= 0; }

// Every row's `column` equals `value`.
bool AllEqual(PGresult* res, const char* column, const std::string& value) {
  int c = PQfnumber(res, column);
  if (c < 0) return false;
  for (int r = 0; r < PQntuples(res); ++r) {
    if (value != PQgetvalue(res, r, c)) return false;
  }
  return true;
}

int Replay(const Endpoint& endpoint, const std::map<std::string, std::string>& passwords) {
  Walkthrough w(endpoint, passwords);
  const char* const personal[] = {"c_salutation", "c_first_name",  "c_last_name",  "c_email_address", "c_login",
                                  "c_birth_day",  "c_birth_month", "c_birth_year", "c_birth_country"};
  if (w.Connect("david", "marketing-data-access-role", "David, with the marketing role", false)) {
    w.Run("SHOW DATABASES", "", "David sees the tpc database");
    w.Run("USE tpc", "", "the database becomes current");
    w.Run("SELECT * FROM dl_tpc_customer LIMIT 10", "", "10 customers, without the personal columns",
          [&](PGresult* res) {
            return PQntuples(res) == 10 && HasColumn(res, "c_customer_id") &&
                   std::none_of(std::begin(personal), std::end(personal),
                                [&](const char* c) { return HasColumn(res, c); });
          });
    w.Run("SELECT * FROM dl_tpc_customer_address LIMIT 10", "42501", "the address table is denied");
  }
  if (w.Connect("tina", "sales-data-access-role", "Tina, with the sales role", false)) {
    w.Run("SHOW DATABASES", "", "Tina sees the tpc database");
    w.Run("USE tpc", "", "the database becomes current");
    w.Run("SELECT * FROM dl_tpc_web_sales LIMIT 10", "", "10 web sales",
          [](PGresult* res) { return PQntuples(res) == 10; });
    w.Run("SELECT * FROM dl_tpc_item LIMIT 10", "42501", "the item table is denied to the sales role");
    w.Run("SET ROLE \"electronics-data-access-role\"", "",
          "Tina switches to the electronics role (the same checks as at connect)");
    w.Run("SELECT * FROM dl_tpc_item LIMIT 10", "", "only Electronics items",
          [](PGresult* res) { return PQntuples(res) > 0 && AllEqual(res, "i_category", "Electronics"); });
    w.Run("SELECT i_category, count(*) AS items FROM dl_tpc_item GROUP BY i_category", "",
          "the other categories do not exist for this role",
          [](PGresult* res) { return PQntuples(res) == 1 && AllEqual(res, "i_category", "Electronics"); });
  }
  w.Connect("david", "sales-data-access-role", "David may not use the sales role", true);
  w.Connect("tina", "marketing-data-access-role", "Tina may not use the marketing role", true);
  std::cout << "\n"
            << (w.failures() == 0 ? "Every step behaved as the walkthrough expects."
                                  : std::to_string(w.failures()) + " step(s) did not behave as expected.")
            << "\n";
  return w.failures() == 0 ? 0 : 1;
}

void PrintConnectLines(const Endpoint& e, const std::string& data_dir) {
  std::string host = e.host == "0.0.0.0" ? "127.0.0.1" : e.host;
  std::string ssl = e.tls ? "require" : "disable";
  std::cout << "\nWeir is serving on " << host << ":" << e.port << ". Connect with psql (passwords are in " << data_dir
            << "/demo-credentials.json):\n";
  auto line = [&](const std::string& user, const std::string& role) {
    std::cout << "  PGPASSWORD=$(jq -r .users." << user << ".password " << data_dir
              << "/demo-credentials.json) PGOPTIONS='-c role=" << role << "' psql \"host=" << host << " port=" << e.port
              << " user=" << user << " dbname=tpc sslmode=" << ssl << "\"\n";
  };
  line("david", "marketing-data-access-role");
  line("tina", "sales-data-access-role");
  line("tina", "electronics-data-access-role");
  std::cout << "Stop with Ctrl-C.\n" << std::flush;
}

int RunDemo(DemoArgs args) {
  auto fail = [](const Status& status) {
    PrintError(status);
    return 1;
  };
  if (!args.serve && args.listen.pg_listen == ListenArgs{}.pg_listen) args.listen.pg_listen = "127.0.0.1:0";
  server::ServerOptions options;
  Status status = ApplyListenArgs(args.listen, &options);
  if (status.ok()) status = Prepare(args);
  if (!status.ok()) return fail(status);
  auto passwords = DemoCredentials(args.data_dir);
  if (!passwords.ok()) return fail(passwords.status());
  auto dir = admin::DataDir::Open(args.data_dir);
  if (!dir.ok()) return fail(dir.status());
  status = ApplySeed(**dir, args, *passwords);
  if (!status.ok()) return fail(status);

  // The server's own log lines would interleave with the walkthrough.
  const std::string log_path = (*dir)->path() + "/server.log";
  status = server::SetLogFile(log_path);
  if (!status.ok()) return fail(status);
  auto engine = OpenServerEngine(**dir, 0, 0);
  if (!engine.ok()) return fail(engine.status());
  server::Server server(options, dir->get(), engine->get());
  status = server.Start();
  if (!status.ok()) return fail(status);
  if (!args.serve && args.listen.http_listen == ListenArgs{}.http_listen) args.listen.http_listen = "127.0.0.1:0";
  auto api = RunningAdminApi::Start(**dir, args.listen, server);
  if (!api.ok()) return fail(api.status());
  const std::string api_url = (*api)->url();
  HandleShutdownSignals(&server);
  std::string info_path = WriteServerInfo(**dir, options, server, api_url);
  std::thread running([&server] { server.Run(); });

  Endpoint endpoint{options.pg_host, server.port(), !options.insecure_no_tls};
  int rc = Replay(endpoint, *passwords);
  std::cout << "Every statement above is in the audit log: " << (*dir)->audit().path() << "\n"
            << "The server's log: " << log_path << "\n";
  if (args.serve) {
    std::cout << "\nAdmin API: " << api_url << " (HTTP Basic as alice, with her password)\n";
    PrintConnectLines(endpoint, args.data_dir);
  } else {
    std::cout << "Keep it running with: build/weir demo --serve --data-dir " << args.data_dir << "\n";
    server.RequestShutdown();
  }
  running.join();
  api->reset();  // stops the admin API and waits for its requests
  HandleShutdownSignals(nullptr);
  std::remove(info_path.c_str());
  Status flushed = (*dir)->audit().Flush();
  if (!flushed.ok()) PrintError(flushed);
  return rc;
}

}  // namespace

void AddDemoCommand(CLI::App& app) {
  static DemoArgs args;
  auto* demo = app.add_subcommand(
      "demo",
      "Replay the seed scenario: generate TPC-DS sample data, apply examples/seed/stack.yaml, start the server and "
      "query it over the PostgreSQL protocol as David and Tina (reuses an existing directory)");
  demo->add_option("--data-dir", args.data_dir, "Demo data directory")->capture_default_str();
  demo->add_option("--scale", args.scale, "TPC-DS scale of the sample data (first run only)")
      ->capture_default_str()
      ->check(CLI::Range(0.0001, datagen::kMaxScale));
  demo->add_flag("--serve", args.serve, "Keep serving after the walkthrough (default port 5433)");
  demo->add_option("--stack", args.stack_file, "Apply this stack file instead of the built-in seed stack");
  AddListenOptions(demo, args.listen);
  demo->footer(
      "Passwords for alice, david and tina are generated into D/demo-credentials.json (mode 0600); the bootstrap "
      "administrator's into D/admin-password. Without --serve the server listens on a free port for the "
      "walkthrough only. Exits 1 when a step does not behave as the walkthrough expects.");
  demo->callback([] { std::exit(RunDemo(args)); });
}

}  // namespace weir::cli
