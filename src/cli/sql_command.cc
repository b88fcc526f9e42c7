#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "access/snapshot.h"
#include "admin/data_dir.h"
#include "audit/audit_log.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "engine/engine.h"
#include "session/session.h"
#include "store/store.h"

namespace weir::cli {

namespace {

struct SqlArgs {
  std::string role;
  std::string command;
  std::string database;
  std::string format = "table";
};

int RunSql(const GlobalOptions& options, const SqlArgs& args) {
  OutputFormat format;
  ParseOutputFormat(args.format, &format);
  auto dir = admin::DataDir::Open(options.data_dir);
  if (!dir.ok()) {
    PrintError(dir.status());
    return 1;
  }
  auto& data_dir = **dir;
  engine::EngineOptions engine_options{data_dir.lake_root(), data_dir.temp_root(), 0, 0};
  engine_options.audit_reader = [&data_dir](int64_t after_seq, size_t limit) {
    return data_dir.store().ReadAudit(after_seq, limit);
  };
  auto engine = engine::Engine::Open(engine_options);
  if (!engine.ok()) {
    PrintError(engine.status());
    return 1;
  }
  session::SessionContext context;
  context.engine = engine->get();
  context.snapshot = [&data_dir] { return data_dir.snapshot(); };
  context.audit = &data_dir.audit();
  // A local administrator impersonating a role: audited as such.
  std::string actor = admin::LocalActor();
  auto session = session::Session::Open(context, {actor, actor, args.role});
  if (!session.ok()) {
    PrintError(session.status());
    return 1;
  }
  auto print = [&](session::StatementResult& result) { return PrintResult(result, format, std::cout); };
  if (!args.database.empty()) {
    Status status = (*session)->Execute("USE \"" + args.database + "\"", [](auto&) { return Status::Ok(); });
    if (!status.ok()) {
      PrintError(status);
      return 1;
    }
  }
  if (!args.command.empty()) {
    Status status = (*session)->Execute(args.command, print);
    if (!status.ok()) PrintError(status);
    return status.ok() ? 0 : 1;
  }
  // Interactive: statements end with ';' at the end of a line (or at EOF).
  bool tty = ::isatty(STDIN_FILENO) != 0;
  std::string buffer, line;
  int failures = 0;
  auto prompt = [&] {
    if (tty) std::cout << (buffer.empty() ? args.role + "=> " : args.role + "-> ") << std::flush;
  };
  auto flush = [&] {
    if (buffer.find_first_not_of(" \t\r\n;") == std::string::npos) {
      buffer.clear();
      return;
    }
    Status status = (*session)->Execute(buffer, print);
    if (!status.ok()) {
      PrintError(status);
      failures++;
    }
    buffer.clear();
  };
  prompt();
  while (std::getline(std::cin, line)) {
    buffer += line + "\n";
    auto end = line.find_last_not_of(" \t\r");
    if (end != std::string::npos && line[end] == ';') flush();
    prompt();
  }
  flush();
  return failures == 0 ? 0 : 1;
}

}  // namespace

void AddSqlCommand(CLI::App& app, GlobalOptions& options) {
  static SqlArgs args;
  auto* sql = app.add_subcommand(
      "sql",
      "Run SQL as a role on a data directory no server holds (a local administrator's impersonation, audited as "
      "such). Without -c, reads statements from standard input, each ending with ';'.");
  sql->add_option("--as-role", args.role, "Role to run as")->required();
  sql->add_option("-c,--command", args.command, "SQL to run (several statements run in order)");
  sql->add_option("--database", args.database, "Current database, as after USE");
  sql->add_option("--format", args.format, "Output: table, csv or json (one object per row)")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  sql->add_option("--data-dir", options.data_dir, "Data directory (default: $WEIR_DATA_DIR or ./weir-data)");
  sql->callback([&options] { std::exit(RunSql(options, args)); });
}

}  // namespace weir::cli
