// weir apply / plan / destroy: stack files (docs/stack-file.md).

#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "admin/admin.h"
#include "admin/data_dir.h"
#include "cli/caller.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "stack/plan.h"
#include "store/store.h"

namespace weir::cli {

namespace {

enum class Mode { kPlan, kApply, kDestroy };

struct StackArgs {
  std::string file;
  bool json = false;
};

Status Run(Mode mode, const GlobalOptions& options, const StackArgs& args) {
  WEIR_ASSIGN_OR_RETURN(auto dir, admin::DataDir::Open(options.data_dir));
  WEIR_ASSIGN_OR_RETURN(admin::Caller caller, ActingCaller(options, *dir));
  WEIR_ASSIGN_OR_RETURN(store::MetadataState state, dir->store().Load());
  WEIR_ASSIGN_OR_RETURN(stack::Stack parsed, stack::LoadStack(args.file, stack::SubstitutionsFor(state.cluster)));
  Result<stack::Plan> plan =
      mode == Mode::kDestroy ? stack::PlanDestroy(parsed.name, state) : stack::PlanApply(parsed, state);
  if (!plan.ok()) return plan.status();
  if (mode == Mode::kPlan) {
    std::cout << (args.json ? plan->ToJson().dump(2) + "\n" : plan->Format());
    return Status::Ok();
  }
  if (!args.json) std::cout << plan->Format();
  admin::Admin admin(dir.get(), std::move(caller));
  std::vector<std::string> written;
  WEIR_RETURN_IF_ERROR(stack::Apply(admin, *plan, &written));
  if (args.json) {
    nlohmann::json out = plan->ToJson();
    out["applied"] = true;
    out["password_files"] = written;
    std::cout << out.dump(2) << "\n";
  } else {
    for (const auto& path : written) std::cout << "wrote generated password to " << path << " (mode 0600)\n";
    std::cout << (mode == Mode::kDestroy ? "destroyed" : "applied") << " stack " << plan->stack() << "\n";
  }
  return Status::Ok();
}

void Add(CLI::App& app, GlobalOptions& options, Mode mode, const char* name, const char* description) {
  auto args = std::make_shared<StackArgs>();
  CLI::App* command = app.add_subcommand(name, description);
  command->add_option("stack-file", args->file, "The stack file (YAML; see docs/stack-file.md)")->required();
  command->add_option("--data-dir", options.data_dir, "Data directory (default: $WEIR_DATA_DIR or ./weir-data)");
  command->add_flag("--json", args->json, "Print the plan (and result) as JSON");
  AddUserOption(command, options);
  command->callback([&options, args, mode]() {
    Status status = Run(mode, options, *args);
    if (!status.ok()) {
      PrintError(status);
      std::exit(1);
    }
    std::exit(0);
  });
}

}  // namespace

void AddStackCommands(CLI::App& app, GlobalOptions& options) {
  Add(app, options, Mode::kApply, "apply",
      "Create or update everything a stack file declares, in one transaction (prints the plan first)");
  Add(app, options, Mode::kPlan, "plan", "Show what `weir apply` would change, without changing anything");
  Add(app, options, Mode::kDestroy, "destroy",
      "Remove exactly what the stack file's stack created, in one transaction");
}

}  // namespace weir::cli
