#pragma once

#include <string>

namespace CLI {
class App;
}

namespace weir::cli {

// Options every data-directory command shares.
struct GlobalOptions {
  std::string data_dir;
  // --user: the user admin commands act as (else $WEIR_USER; neither = the
  // local administrator). See cli/caller.h.
  std::string user;
  // --server: the admin API to go through (cli/verb.h); "" = the one
  // D/server.json names when it is running, else the data directory.
  std::string server;
};

// Each Add*Commands registers its subcommands on `app`; the callbacks exit
// the process with 0 on success, 1 on an error (printed on stderr), 2 on
// bad usage.
void AddAdminCommands(CLI::App& app, GlobalOptions& options);
void AddSqlCommand(CLI::App& app, GlobalOptions& options);
void AddAccessCommands(CLI::App& app, GlobalOptions& options);
void AddPolicyCommands(CLI::App& app);
// Needs AddAdminCommands, AddAccessCommands and AddPolicyCommands first (it
// extends `weir role`, `weir access` and `weir policy`).
void AddIdentityCommands(CLI::App& app, GlobalOptions& options);
void AddDemoCommand(CLI::App& app);
void AddServeCommand(CLI::App& app, GlobalOptions& options);
void AddDatagenCommand(CLI::App& app);
// weir apply, weir plan, weir destroy.
void AddStackCommands(CLI::App& app, GlobalOptions& options);
void AddTagCommands(CLI::App& app, GlobalOptions& options);
void AddAuditCommand(CLI::App& app, GlobalOptions& options);

}  // namespace weir::cli
