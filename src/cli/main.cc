#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "admin/data_dir.h"
#include "cli/commands.h"
#include "common/version.h"
#include "engine/engine.h"

int main(int argc, char** argv) {
  CLI::App app{"Weir: fine-grained access control for a data lake, and a shared SQL service that enforces it."};
  app.require_subcommand(0, 1);
  bool version = false;
  app.add_flag("--version", version, "Print Weir's and DuckDB's versions");

  weir::cli::GlobalOptions options;
  options.data_dir = weir::admin::DefaultDataDir();
  weir::cli::AddAdminCommands(app, options);
  weir::cli::AddAccessCommands(app, options);
  weir::cli::AddTagCommands(app, options);
  weir::cli::AddPolicyCommands(app);
  weir::cli::AddIdentityCommands(app, options);
  weir::cli::AddSqlCommand(app, options);
  weir::cli::AddDemoCommand(app);
  weir::cli::AddServeCommand(app, options);
  weir::cli::AddDatagenCommand(app);
  weir::cli::AddStackCommands(app, options);
  weir::cli::AddAuditCommand(app, options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (version) {
    std::printf("weir %s (DuckDB %s)\n", weir::kWeirVersion, weir::engine::Engine::DuckdbVersion().c_str());
    return 0;
  }
  if (app.get_subcommands().empty()) {
    std::cout << app.help();
    return 2;
  }
  return 0;
}
