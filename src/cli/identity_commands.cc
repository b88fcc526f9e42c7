// `weir user …`, `weir role …` (policies and tags), `weir cluster …`.

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "access/snapshot.h"
#include "admin/admin.h"
#include "admin/data_dir.h"
#include "audit/audit_log.h"
#include "cli/caller.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "iam/assume.h"
#include "iam/scram.h"
#include "iam/session_credentials.h"
#include "store/store.h"

namespace weir::cli {

namespace {

// Runs `verb` against the data directory, acting as the command's caller
// (cli/caller.h), or as the local administrator when `local`, and exits
// with its status.
template <typename F>
[[noreturn]] void RunAs(const GlobalOptions& options, F verb, bool local) {
  Status status;
  {
    auto dir = admin::DataDir::Open(options.data_dir);
    if (!dir.ok()) {
      status = dir.status();
    } else {
      auto caller = local ? admin::Caller::Local(admin::LocalActor()) : ActingCaller(options, **dir);
      if (!caller.ok()) {
        status = caller.status();
      } else {
        admin::Admin admin(dir->get(), std::move(caller).value());
        status = verb(admin, **dir);
      }
    }
  }
  if (!status.ok()) {
    PrintError(status);
    std::exit(1);
  }
  std::exit(0);
}

template <typename F>
[[noreturn]] void Run(const GlobalOptions& options, F verb) {
  RunAs(options, std::move(verb), /*local=*/false);
}

template <typename F>
[[noreturn]] void RunLocal(const GlobalOptions& options, F verb) {
  RunAs(options, std::move(verb), /*local=*/true);
}

Result<iam::Tags> ParseTags(const std::vector<std::string>& items) {
  iam::Tags tags;
  for (const auto& item : items) {
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) return Status::InvalidArgument("expected KEY=VALUE, got '" + item + "'");
    tags[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return tags;
}

Result<std::string> ReadDocument(const std::string& path) {
  std::stringstream buffer;
  if (path == "-") {
    buffer << std::cin.rdbuf();
  } else {
    std::ifstream in(path);
    if (!in) return Status::InvalidArgument("cannot read " + path);
    buffer << in.rdbuf();
  }
  return buffer.str();
}

void AddDataDir(CLI::App* command, GlobalOptions& options, bool user_option = true) {
  command->add_option("--data-dir", options.data_dir, "Data directory (default: $WEIR_DATA_DIR or ./weir-data)");
  if (user_option) AddUserOption(command, options);
}

std::string TagText(const iam::Tags& tags) {
  std::string out;
  for (const auto& [k, v] : tags) out += (out.empty() ? "" : ",") + k + "=" + v;
  return out;
}

}  // namespace

void AddIdentityCommands(CLI::App& app, GlobalOptions& options) {
  static std::string name, role_name, policy_name, file, password_env, execution_role;
  static std::vector<std::string> tags, untags;
  static bool enable = false, disable = false;

  // --- users
  auto* user = app.add_subcommand("user", "Create, update, delete and list users")->require_subcommand(1);
  auto* user_create = user->add_subcommand(
      "create",
      "Create a user with an execution role. The password comes from the variable named by --password-env, or is "
      "generated and printed once");
  user_create->add_option("name", name, "User name")->required();
  user_create->add_option("--execution-role", execution_role, "The role the user may always use")->required();
  user_create->add_option("--password-env", password_env, "Environment variable holding the password");
  user_create->add_option("--tag", tags, "KEY=VALUE (repeatable)");
  AddDataDir(user_create, options);
  user_create->callback([&options] {
    std::string password;
    bool generated = password_env.empty();
    if (generated) {
      password = iam::GeneratePassword();
    } else {
      const char* value = std::getenv(password_env.c_str());
      if (value == nullptr || *value == '\0') {
        PrintError(Status::InvalidArgument("environment variable " + password_env + " is empty"));
        std::exit(1);
      }
      password = value;
    }
    Run(options, [&](admin::Admin& admin, admin::DataDir&) -> Status {
      WEIR_ASSIGN_OR_RETURN(iam::Tags parsed, ParseTags(tags));
      WEIR_RETURN_IF_ERROR(admin.CreateUser(name, execution_role, password, parsed));
      if (generated) std::cout << "password: " << password << "\n";
      return Status::Ok();
    });
  });
  auto* user_update = user->add_subcommand("update", "Change a user's execution role, state or tags");
  user_update->add_option("name", name, "User name")->required();
  user_update->add_option("--execution-role", execution_role, "New execution role");
  auto* enable_flag = user_update->add_flag("--enable", enable, "Allow the user to connect");
  user_update->add_flag("--disable", disable, "Refuse the user's connections")->excludes(enable_flag);
  user_update->add_option("--tag", tags, "KEY=VALUE to add or replace (repeatable)");
  user_update->add_option("--untag", untags, "KEY to remove (repeatable)");
  AddDataDir(user_update, options);
  user_update->callback([&options] {
    Run(options, [&](admin::Admin& admin, admin::DataDir&) -> Status {
      WEIR_ASSIGN_OR_RETURN(iam::Tags parsed, ParseTags(tags));
      std::optional<std::string> role;
      if (!execution_role.empty()) role = execution_role;
      std::optional<bool> enabled;
      if (enable || disable) enabled = enable;
      return admin.UpdateUser(name, role, enabled, parsed, untags);
    });
  });
  auto* user_password = user->add_subcommand(
      "set-password", "Set a user's password (from --password-env, or generated and printed once)");
  user_password->add_option("name", name, "User name")->required();
  user_password->add_option("--password-env", password_env, "Environment variable holding the password");
  AddDataDir(user_password, options);
  user_password->callback([&options] {
    bool generated = password_env.empty();
    const char* value = generated ? nullptr : std::getenv(password_env.c_str());
    std::string password = generated ? iam::GeneratePassword() : (value ? value : "");
    Run(options, [&](admin::Admin& admin, admin::DataDir&) -> Status {
      WEIR_RETURN_IF_ERROR(admin.SetPassword(name, password));
      if (generated) std::cout << "password: " << password << "\n";
      return Status::Ok();
    });
  });
  static std::string key_id;
  auto* key_create = user->add_subcommand(
      "create-access-key", "Create an access key for API use; prints the key id and the secret (shown only once)");
  key_create->add_option("name", name, "User name")->required();
  AddDataDir(key_create, options);
  key_create->callback([&options] {
    Run(options, [&](admin::Admin& admin, admin::DataDir&) -> Status {
      WEIR_ASSIGN_OR_RETURN(auto key, admin.CreateAccessKey(name));
      std::cout << "access_key_id: " << key.first << "\nsecret_access_key: " << key.second << "\n";
      return Status::Ok();
    });
  });
  auto* key_delete = user->add_subcommand("delete-access-key", "Delete one of a user's access keys");
  key_delete->add_option("name", name, "User name")->required();
  key_delete->add_option("key_id", key_id, "Access key id")->required();
  AddDataDir(key_delete, options);
  key_delete->callback([&options] {
    Run(options, [&](admin::Admin& admin, admin::DataDir&) { return admin.DeleteAccessKey(name, key_id); });
  });
  auto* user_delete = user->add_subcommand("delete", "Delete a user");
  user_delete->add_option("name", name, "User name")->required();
  AddDataDir(user_delete, options);
  user_delete->callback(
      [&options] { Run(options, [&](admin::Admin& admin, admin::DataDir&) { return admin.DeleteUser(name); }); });
  auto* user_list = user->add_subcommand("list", "List users: name, ARN, execution role, state, tags");
  AddDataDir(user_list, options);
  user_list->callback([&options] {
    Run(options, [&](admin::Admin& admin, admin::DataDir& dir) -> Status {
      WEIR_RETURN_IF_ERROR(admin.Check({admin::Operation::kListUsers}));
      WEIR_ASSIGN_OR_RETURN(store::MetadataState state, dir.store().Load());
      for (const auto& u : state.users) {
        std::string keys;
        for (const auto& k : u.access_keys) keys += (keys.empty() ? "" : ",") + k.id;
        std::cout << u.name << "\t" << state.cluster.UserArn(u.name) << "\t" << u.execution_role << "\t"
                  << (u.enabled ? "enabled" : "disabled") << "\t" << TagText(u.tags) << "\t" << keys << "\n";
      }
      return Status::Ok();
    });
  });

  // --- roles: policies and tags (create/delete/list live in admin_commands.cc)
  auto* role = app.get_subcommand("role");
  auto* trust = role->add_subcommand("set-trust-policy", "Set a role's trust policy (IAM JSON) from a file or '-'");
  trust->add_option("role", role_name, "Role")->required();
  trust->add_option("file", file, "Policy document (JSON), or - for standard input")->required();
  AddDataDir(trust, options);
  trust->callback([&options] {
    Run(options, [&](admin::Admin& admin, admin::DataDir&) -> Status {
      WEIR_ASSIGN_OR_RETURN(std::string doc, ReadDocument(file));
      return admin.SetTrustPolicy(role_name, doc);
    });
  });
  auto* put = role->add_subcommand("put-policy", "Add or replace an inline identity policy of a role");
  put->add_option("role", role_name, "Role")->required();
  put->add_option("name", policy_name, "Inline policy name")->required();
  put->add_option("file", file, "Policy document (JSON), or - for standard input")->required();
  AddDataDir(put, options);
  put->callback([&options] {
    Run(options, [&](admin::Admin& admin, admin::DataDir&) -> Status {
      WEIR_ASSIGN_OR_RETURN(std::string doc, ReadDocument(file));
      return admin.PutRolePolicy(role_name, policy_name, doc);
    });
  });
  auto* del = role->add_subcommand("delete-policy", "Delete an inline policy of a role");
  del->add_option("role", role_name, "Role")->required();
  del->add_option("name", policy_name, "Inline policy name")->required();
  AddDataDir(del, options);
  del->callback([&options] {
    Run(options, [&](admin::Admin& admin, admin::DataDir&) { return admin.DeleteRolePolicy(role_name, policy_name); });
  });
  auto* attach = role->add_subcommand("attach-policy", "Attach a managed policy to a role");
  attach->add_option("role", role_name, "Role")->required();
  attach->add_option("policy", policy_name, "Managed policy name")->required();
  AddDataDir(attach, options);
  attach->callback([&options] {
    Run(options, [&](admin::Admin& admin, admin::DataDir&) { return admin.AttachRolePolicy(role_name, policy_name); });
  });
  auto* detach = role->add_subcommand("detach-policy", "Detach a managed policy from a role");
  detach->add_option("role", role_name, "Role")->required();
  detach->add_option("policy", policy_name, "Managed policy name")->required();
  AddDataDir(detach, options);
  detach->callback([&options] {
    Run(options, [&](admin::Admin& admin, admin::DataDir&) { return admin.DetachRolePolicy(role_name, policy_name); });
  });
  auto* role_tag = role->add_subcommand("tag", "Add, replace or remove a role's tags");
  role_tag->add_option("role", role_name, "Role")->required();
  role_tag->add_option("--tag", tags, "KEY=VALUE to add or replace (repeatable)");
  role_tag->add_option("--untag", untags, "KEY to remove (repeatable)");
  AddDataDir(role_tag, options);
  role_tag->callback([&options] {
    Run(options, [&](admin::Admin& admin, admin::DataDir&) -> Status {
      WEIR_ASSIGN_OR_RETURN(iam::Tags parsed, ParseTags(tags));
      return admin.TagRole(role_name, parsed, untags);
    });
  });
  auto* role_show = role->add_subcommand("show", "Show a role: ARN, trust policy, policies, tags");
  role_show->add_option("role", role_name, "Role")->required();
  AddDataDir(role_show, options);
  role_show->callback([&options] {
    Run(options, [&](admin::Admin& admin, admin::DataDir& dir) -> Status {
      WEIR_RETURN_IF_ERROR(admin.Check({admin::Operation::kGetRole, role_name}));
      WEIR_ASSIGN_OR_RETURN(store::MetadataState state, dir.store().Load());
      for (const auto& r : state.roles) {
        if (r.name != role_name) continue;
        std::cout << iam::DescribeRole(r, state.cluster).dump(2) << "\n";
        return Status::Ok();
      }
      return Status::NotFound("role " + role_name + " does not exist");
    });
  });

  // --- runtime roles
  static bool json = false;
  auto* access = app.get_subcommand("access");
  auto* can_assume = access->add_subcommand(
      "can-assume",
      "May USER run a session as ROLE? Prints the decision and the check that decided: the execution role, "
      "(a) its policies allowing elasticmapreduce:GetClusterSessionCredentials, (b) the role's trust policy, "
      "(c) the cluster role's policies. Exit 0 for any decision.");
  can_assume->add_option("user", name, "User")->required();
  can_assume->add_option("role", role_name, "Role name or ARN")->required();
  can_assume->add_flag("--json", json, "Print JSON");
  AddDataDir(can_assume, options);
  can_assume->callback([&options] {
    bool allowed = false;
    Run(options, [&](admin::Admin& admin, admin::DataDir& dir) -> Status {
      WEIR_RETURN_IF_ERROR(admin.Check({admin::Operation::kSimulateUser, name}));
      WEIR_ASSIGN_OR_RETURN(store::MetadataState state, dir.store().Load());
      iam::Directory directory(state);
      iam::AssumeDecision d = directory.CanAssume(name, role_name);
      allowed = d.allowed;
      if (json) {
        nlohmann::json matched = nlohmann::json::array();
        for (const auto& m : d.matched) {
          matched.push_back(
              {{"statement", m.statement}, {"effect", m.effect == iam::Effect::kAllow ? "Allow" : "Deny"}});
        }
        std::cout << nlohmann::json{{"allowed", d.allowed},
                                    {"check", iam::AssumeCheckName(d.check)},
                                    {"role_arn", d.role_arn},
                                    {"message", d.message},
                                    {"matched", matched}}
                         .dump()
                  << "\n";
      } else {
        std::cout << (d.allowed ? "allowed" : "denied") << " (" << iam::AssumeCheckName(d.check) << "): " << d.message
                  << "\n";
      }
      return Status::Ok();
    });
    (void)allowed;
  });
  auto* roles = user->add_subcommand("roles", "The roles a user may run sessions as (execution role first)");
  roles->add_option("name", name, "User")->required();
  AddDataDir(roles, options);
  roles->callback([&options] {
    Run(options, [&](admin::Admin& admin, admin::DataDir& dir) -> Status {
      WEIR_RETURN_IF_ERROR(admin.Check({admin::Operation::kGetUser, name}));
      WEIR_ASSIGN_OR_RETURN(store::MetadataState state, dir.store().Load());
      iam::Directory directory(state);
      if (directory.FindUser(name) == nullptr) return Status::NotFound("user " + name + " does not exist");
      for (const auto& r : directory.AssumableRoles(name)) {
        std::cout << r << "\t" << state.cluster.RoleArn(r) << "\n";
      }
      return Status::Ok();
    });
  });

  // --- managed policies
  static std::string description;
  auto* policy = app.get_subcommand("policy");
  auto* policy_create = policy->add_subcommand("create", "Create a managed policy from a JSON document (file or -)");
  policy_create->add_option("name", policy_name, "Policy name")->required();
  policy_create->add_option("file", file, "Policy document (JSON), or - for standard input")->required();
  policy_create->add_option("--description", description, "Free text");
  AddDataDir(policy_create, options);
  policy_create->callback([&options] {
    Run(options, [&](admin::Admin& admin, admin::DataDir&) -> Status {
      WEIR_ASSIGN_OR_RETURN(std::string doc, ReadDocument(file));
      return admin.CreatePolicy(policy_name, doc, description);
    });
  });
  auto* policy_update = policy->add_subcommand("update", "Replace a managed policy's document");
  policy_update->add_option("name", policy_name, "Policy name")->required();
  policy_update->add_option("file", file, "Policy document (JSON), or - for standard input")->required();
  AddDataDir(policy_update, options);
  policy_update->callback([&options] {
    Run(options, [&](admin::Admin& admin, admin::DataDir&) -> Status {
      WEIR_ASSIGN_OR_RETURN(std::string doc, ReadDocument(file));
      return admin.UpdatePolicy(policy_name, doc);
    });
  });
  auto* policy_delete = policy->add_subcommand("delete", "Delete a managed policy (detach it from roles first)");
  policy_delete->add_option("name", policy_name, "Policy name")->required();
  AddDataDir(policy_delete, options);
  policy_delete->callback([&options] {
    Run(options, [&](admin::Admin& admin, admin::DataDir&) { return admin.DeletePolicy(policy_name); });
  });
  auto* policy_list = policy->add_subcommand("list", "List managed policies with their ARNs");
  AddDataDir(policy_list, options);
  policy_list->callback([&options] {
    Run(options, [&](admin::Admin& admin, admin::DataDir& dir) -> Status {
      WEIR_RETURN_IF_ERROR(admin.Check({admin::Operation::kListPolicies}));
      WEIR_ASSIGN_OR_RETURN(store::MetadataState state, dir.store().Load());
      for (const auto& p : state.policies) {
        std::cout << p.name << "\t" << state.cluster.PolicyArn(p.name) << "\t" << p.description << "\n";
      }
      return Status::Ok();
    });
  });

  // --- temporary credentials
  static std::string user_name;
  static int64_t duration = 3600;
  auto* sts = app.add_subcommand("sts", "Temporary credentials for runtime roles")->require_subcommand(1);
  auto* get_creds = sts->add_subcommand(
      "get-session-credentials",
      "Issue a temporary user name and password for USER as ROLE (as EMR's GetClusterSessionCredentials), after "
      "the runtime-role checks; used as the PostgreSQL password they open a session as that user and role");
  get_creds->add_option("--user", user_name, "User")->required();
  get_creds->add_option("--role", role_name, "Runtime role (name or ARN)")->required();
  get_creds->add_option("--duration", duration, "Seconds, 900 to the role's max session duration")
      ->capture_default_str();
  get_creds->add_flag("--json", json, "Print JSON");
  get_creds->footer(
      "Acts as the user named by $WEIR_USER (password in $WEIR_PASSWORD), else as the local administrator. A user "
      "asking for another user's credentials needs elasticmapreduce:GetClusterSessionCredentials itself.");
  AddDataDir(get_creds, options, /*user_option=*/false);
  get_creds->callback([&options] {
    Run(options, [&](admin::Admin& admin, admin::DataDir&) -> Status {
      WEIR_ASSIGN_OR_RETURN(iam::SessionCredentials creds, admin.GetSessionCredentials(user_name, role_name, duration));
      if (json) {
        std::cout << nlohmann::json{{"username", creds.username},
                                    {"password", creds.password},
                                    {"expiration", creds.expires_s}}
                         .dump()
                  << "\n";
      } else {
        std::cout << "username: " << creds.username << "\npassword: " << creds.password
                  << "\nexpires: " << creds.expires_s << " (Unix seconds)\n";
      }
      return Status::Ok();
    });
  });
  auto* rotate = sts->add_subcommand("rotate-key", "Replace the session key: revokes every temporary credential");
  AddDataDir(rotate, options);
  rotate->callback(
      [&options] { Run(options, [&](admin::Admin& admin, admin::DataDir&) { return admin.RotateSessionKey(); }); });
  auto* check = sts->add_subcommand(
      "check", "Check temporary credentials (password on standard input): prints the user, role and expiry");
  check->add_option("--user", user_name, "User name the credentials were issued as")->required();
  AddDataDir(check, options, /*user_option=*/false);
  check->callback([&options] {
    std::string password;
    std::getline(std::cin, password);
    // Verifies what the caller holds; acts for no one.
    RunLocal(options, [&](admin::Admin&, admin::DataDir& dir) -> Status {
      WEIR_ASSIGN_OR_RETURN(store::MetadataState state, dir.store().Load());
      std::string key;
      auto it = state.secrets.find("sts_key");
      if (it == state.secrets.end() || !iam::Base64Decode(it->second, &key)) {
        return Status::FailedPrecondition("the session key is missing: run weir sts rotate-key");
      }
      WEIR_ASSIGN_OR_RETURN(iam::SessionClaims claims,
                            iam::VerifySessionPassword(key, iam::SessionUserFromName(user_name).value_or(user_name),
                                                       password, audit::NowMicros() / 1000000));
      std::cout << nlohmann::json{{"user", claims.user},
                                  {"role", claims.role},
                                  {"session_name", claims.session_name},
                                  {"expiration", claims.expires_s}}
                       .dump()
                << "\n";
      return Status::Ok();
    });
  });

  // --- cluster
  auto* cluster = app.add_subcommand("cluster", "Show the cluster record and change its tags")->require_subcommand(1);
  auto* cluster_show = cluster->add_subcommand("show", "Print the cluster's ARN, role and tags");
  AddDataDir(cluster_show, options);
  cluster_show->callback([&options] {
    Run(options, [&](admin::Admin& admin, admin::DataDir& dir) -> Status {
      WEIR_RETURN_IF_ERROR(admin.Check({admin::Operation::kDescribeCluster}));
      WEIR_ASSIGN_OR_RETURN(store::MetadataState state, dir.store().Load());
      nlohmann::ordered_json out;
      out["arn"] = state.cluster.Arn();
      out["account"] = state.cluster.account;
      out["region"] = state.cluster.region;
      out["name"] = state.cluster.name;
      out["cluster_role"] = state.cluster.RoleArn(iam::kClusterRoleName);
      out["tags"] = state.cluster.tags;
      std::cout << out.dump(2) << "\n";
      return Status::Ok();
    });
  });
  auto* cluster_tag = cluster->add_subcommand("tag", "Add, replace or remove the cluster's tags");
  cluster_tag->add_option("--tag", tags, "KEY=VALUE to add or replace (repeatable)");
  cluster_tag->add_option("--untag", untags, "KEY to remove (repeatable)");
  AddDataDir(cluster_tag, options);
  cluster_tag->callback([&options] {
    Run(options, [&](admin::Admin& admin, admin::DataDir&) -> Status {
      WEIR_ASSIGN_OR_RETURN(iam::Tags parsed, ParseTags(tags));
      return admin.TagCluster(parsed, untags);
    });
  });
}

}  // namespace weir::cli
