// weir apply / plan / destroy: stack files (docs/stack-file.md).

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "admin/admin.h"
#include "admin/data_dir.h"
#include "cli/caller.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/remote.h"
#include "cli/verb.h"
#include "common/files.h"
#include "stack/plan.h"
#include "store/store.h"

namespace weir::cli {

namespace {

enum class Mode { kPlan, kApply, kDestroy };

struct StackArgs {
  std::string file;
  bool json = false;
};

const char* ModeName(Mode mode) { return mode == Mode::kPlan ? "plan" : mode == Mode::kApply ? "apply" : "destroy"; }

// Through a running server's admin API: the file's text and the password
// variables its users name go to the server; generated passwords come back
// and are written here, next to the stack file.
Status RunRemote(Mode mode, const Remote& remote, const StackArgs& args) {
  std::ifstream in(args.file, std::ios::binary);
  if (!in) return Status::NotFound("stack file " + args.file + " cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::ordered_json env = nlohmann::ordered_json::object();
  try {
    YAML::Node root = YAML::Load(text.str());
    if (root.IsMap() && root["users"] && root["users"].IsSequence()) {
      for (const auto& user : root["users"]) {
        if (!user.IsMap() || !user["password"] || !user["password"].IsMap() || !user["password"]["env"]) continue;
        std::string var = user["password"]["env"].as<std::string>();
        if (const char* value = std::getenv(var.c_str())) env[var] = value;
      }
    }
  } catch (const YAML::Exception&) {
    // The server reports the error with its position.
  }
  WEIR_ASSIGN_OR_RETURN(nlohmann::ordered_json out, CallApi(remote, "POST", std::string("/v1/stacks/") + ModeName(mode),
                                                            {{"file", args.file}, {"text", text.str()}, {"env", env}}));
  std::vector<std::string> written;
  if (out.contains("generated_passwords")) {
    for (const auto& [path, password] : out["generated_passwords"].items()) {
      std::filesystem::path file(path);
      if (file.is_relative()) file = std::filesystem::path(args.file).parent_path() / file;
      WEIR_RETURN_IF_ERROR(WriteSecretFile(file.string(), password.get<std::string>() + "\n"));
      written.push_back(file.string());
    }
  }
  if (args.json) {
    out.erase("text");
    out.erase("generated_passwords");
    out["password_files"] = written;
    std::cout << out.dump(2) << "\n";
    return Status::Ok();
  }
  std::cout << out.value("text", "");
  for (const auto& path : written) std::cout << "wrote generated password to " << path << " (mode 0600)\n";
  if (mode != Mode::kPlan) {
    std::cout << (mode == Mode::kDestroy ? "destroyed" : "applied") << " stack " << out.value("stack", "")
              << " through the server at " << remote.endpoint.host << ":" << remote.endpoint.port << "\n";
  }
  return Status::Ok();
}

Status Run(Mode mode, const GlobalOptions& options, const StackArgs& args) {
  WEIR_ASSIGN_OR_RETURN(auto remote, FindServer(options, options.server));
  if (remote) return RunRemote(mode, *remote, args);
  WEIR_ASSIGN_OR_RETURN(auto dir, admin::DataDir::Open(options.data_dir));
  WEIR_ASSIGN_OR_RETURN(admin::Caller caller, ActingCaller(options, *dir));
  WEIR_ASSIGN_OR_RETURN(store::MetadataState state, dir->store().Load());
  WEIR_ASSIGN_OR_RETURN(stack::Stack parsed, stack::LoadStack(args.file, stack::SubstitutionsFor(state.cluster)));
  admin::Admin admin(dir.get(), std::move(caller));
  WEIR_RETURN_IF_ERROR(admin.Check(stack::PlanAccess(parsed.name, mode == Mode::kDestroy, state)));
  Result<stack::Plan> plan =
      mode == Mode::kDestroy ? stack::PlanDestroy(parsed.name, state) : stack::PlanApply(parsed, state);
  if (!plan.ok()) return plan.status();
  if (mode == Mode::kPlan) {
    std::cout << (args.json ? plan->ToJson().dump(2) + "\n" : plan->Format());
    return Status::Ok();
  }
  if (!args.json) std::cout << plan->Format();
  std::vector<std::string> written;
  WEIR_RETURN_IF_ERROR(stack::Apply(admin, *plan));
  WEIR_RETURN_IF_ERROR(stack::WritePasswordFiles(*plan, &written));
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
  command->add_flag("--json", args->json, "Print the plan (and result) as JSON");
  AddDataDirOptions(command, options);
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
