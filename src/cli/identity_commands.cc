// `weir user …`, `weir role …` (policies and tags), `weir cluster …`.

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/verb.h"
#include "iam/role.h"
#include "iam/scram.h"

namespace weir::cli {

namespace {

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

// KEY=VALUE items as the API's {"KEY": "VALUE"}; exits on a malformed one.
Json TagsOrDie(const std::vector<std::string>& items) {
  auto tags = ParseTags(items);
  if (!tags.ok()) Finish(tags.status());
  return Json(*tags);
}

// A policy document's text; exits when it cannot be read.
std::string DocumentOrDie(const std::string& path) {
  auto doc = ReadDocument(path);
  if (!doc.ok()) Finish(doc.status());
  return *doc;
}

// The password --password-env names (exits when it is empty), or a
// generated one (`*generated` set).
std::string PasswordOrDie(const std::string& variable, bool* generated) {
  *generated = variable.empty();
  if (*generated) return iam::GeneratePassword();
  const char* value = std::getenv(variable.c_str());
  if (value == nullptr || *value == '\0')
    Finish(Status::InvalidArgument("environment variable " + variable + " is empty"));
  return value;
}

Printer PrintGenerated(bool generated, const std::string& password) {
  return [generated, password](const Json&) {
    if (generated) std::cout << "password: " << password << "\n";
    return Status::Ok();
  };
}

Printer PrintPretty() {
  return [](const Json& answer) {
    std::cout << answer.dump(2) << "\n";
    return Status::Ok();
  };
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
  AddDataDirOptions(user_create, options);
  user_create->callback([&options] {
    bool generated = false;
    std::string password = PasswordOrDie(password_env, &generated);
    Json body = {{"name", name}, {"execution_role", execution_role}, {"password", password}, {"tags", TagsOrDie(tags)}};
    RunVerb(options, {"POST", ApiPath({"users"}), body}, PrintGenerated(generated, password));
  });
  auto* user_update = user->add_subcommand("update", "Change a user's execution role, state or tags");
  user_update->add_option("name", name, "User name")->required();
  user_update->add_option("--execution-role", execution_role, "New execution role");
  auto* enable_flag = user_update->add_flag("--enable", enable, "Allow the user to connect");
  user_update->add_flag("--disable", disable, "Refuse the user's connections")->excludes(enable_flag);
  user_update->add_option("--tag", tags, "KEY=VALUE to add or replace (repeatable)");
  user_update->add_option("--untag", untags, "KEY to remove (repeatable)");
  AddDataDirOptions(user_update, options);
  user_update->callback([&options] {
    Json body = {{"set_tags", TagsOrDie(tags)}, {"remove_tags", untags}};
    if (!execution_role.empty()) body["execution_role"] = execution_role;
    if (enable || disable) body["enabled"] = enable;
    RunVerb(options, {"PATCH", ApiPath({"users", name}), body});
  });
  auto* user_password = user->add_subcommand(
      "set-password", "Set a user's password (from --password-env, or generated and printed once)");
  user_password->add_option("name", name, "User name")->required();
  user_password->add_option("--password-env", password_env, "Environment variable holding the password");
  AddDataDirOptions(user_password, options);
  user_password->callback([&options] {
    bool generated = password_env.empty();
    const char* value = generated ? nullptr : std::getenv(password_env.c_str());
    std::string password = generated ? iam::GeneratePassword() : (value ? value : "");
    RunVerb(options, {"PUT", ApiPath({"users", name, "password"}), {{"password", password}}},
            PrintGenerated(generated, password));
  });
  static std::string key_id;
  auto* key_create = user->add_subcommand(
      "create-access-key", "Create an access key for API use; prints the key id and the secret (shown only once)");
  key_create->add_option("name", name, "User name")->required();
  AddDataDirOptions(key_create, options);
  key_create->callback([&options] {
    RunVerb(options, {"POST", ApiPath({"users", name, "access-keys"})}, [](const Json& key) {
      std::cout << "access_key_id: " << key["access_key_id"].get<std::string>()
                << "\nsecret_access_key: " << key["secret_access_key"].get<std::string>() << "\n";
      return Status::Ok();
    });
  });
  auto* key_delete = user->add_subcommand("delete-access-key", "Delete one of a user's access keys");
  key_delete->add_option("name", name, "User name")->required();
  key_delete->add_option("key_id", key_id, "Access key id")->required();
  AddDataDirOptions(key_delete, options);
  key_delete->callback([&options] { RunVerb(options, {"DELETE", ApiPath({"users", name, "access-keys", key_id})}); });
  auto* user_delete = user->add_subcommand("delete", "Delete a user");
  user_delete->add_option("name", name, "User name")->required();
  AddDataDirOptions(user_delete, options);
  user_delete->callback([&options] { RunVerb(options, {"DELETE", ApiPath({"users", name})}); });
  auto* user_list = user->add_subcommand("list", "List users: name, ARN, execution role, state, tags");
  AddDataDirOptions(user_list, options);
  user_list->callback([&options] {
    RunVerb(options, {"GET", ApiPath({"users"})}, [](const Json& answer) {
      for (const auto& u : answer["users"]) {
        std::string tag_text, keys;
        for (const auto& [k, v] : u["tags"].items())
          tag_text += (tag_text.empty() ? "" : ",") + k + "=" + v.get<std::string>();
        for (const auto& k : u["access_keys"]) keys += (keys.empty() ? "" : ",") + k.get<std::string>();
        std::cout << u["name"].get<std::string>() << "\t" << u["arn"].get<std::string>() << "\t"
                  << u["execution_role"].get<std::string>() << "\t"
                  << (u["enabled"].get<bool>() ? "enabled" : "disabled") << "\t" << tag_text << "\t" << keys << "\n";
      }
      return Status::Ok();
    });
  });

  // --- roles: policies and tags (create/delete/list live in admin_commands.cc)
  auto* role = app.get_subcommand("role");
  auto* trust = role->add_subcommand("set-trust-policy", "Set a role's trust policy (IAM JSON) from a file or '-'");
  trust->add_option("role", role_name, "Role")->required();
  trust->add_option("file", file, "Policy document (JSON), or - for standard input")->required();
  AddDataDirOptions(trust, options);
  trust->callback([&options] {
    RunVerb(options, {"PUT", ApiPath({"roles", role_name, "trust-policy"}), {{"document", DocumentOrDie(file)}}});
  });
  auto* put = role->add_subcommand("put-policy", "Add or replace an inline identity policy of a role");
  put->add_option("role", role_name, "Role")->required();
  put->add_option("name", policy_name, "Inline policy name")->required();
  put->add_option("file", file, "Policy document (JSON), or - for standard input")->required();
  AddDataDirOptions(put, options);
  put->callback([&options] {
    RunVerb(options,
            {"PUT", ApiPath({"roles", role_name, "policies", policy_name}), {{"document", DocumentOrDie(file)}}});
  });
  auto* del = role->add_subcommand("delete-policy", "Delete an inline policy of a role");
  del->add_option("role", role_name, "Role")->required();
  del->add_option("name", policy_name, "Inline policy name")->required();
  AddDataDirOptions(del, options);
  del->callback([&options] { RunVerb(options, {"DELETE", ApiPath({"roles", role_name, "policies", policy_name})}); });
  auto* attach = role->add_subcommand("attach-policy", "Attach a managed policy to a role");
  attach->add_option("role", role_name, "Role")->required();
  attach->add_option("policy", policy_name, "Managed policy name")->required();
  AddDataDirOptions(attach, options);
  attach->callback([&options] {
    RunVerb(options, {"PUT", ApiPath({"roles", role_name, "attached-policies", policy_name})});
  });
  auto* detach = role->add_subcommand("detach-policy", "Detach a managed policy from a role");
  detach->add_option("role", role_name, "Role")->required();
  detach->add_option("policy", policy_name, "Managed policy name")->required();
  AddDataDirOptions(detach, options);
  detach->callback([&options] {
    RunVerb(options, {"DELETE", ApiPath({"roles", role_name, "attached-policies", policy_name})});
  });
  auto* role_tag = role->add_subcommand("tag", "Add, replace or remove a role's tags");
  role_tag->add_option("role", role_name, "Role")->required();
  role_tag->add_option("--tag", tags, "KEY=VALUE to add or replace (repeatable)");
  role_tag->add_option("--untag", untags, "KEY to remove (repeatable)");
  AddDataDirOptions(role_tag, options);
  role_tag->callback([&options] {
    RunVerb(options, {"POST", ApiPath({"roles", role_name, "tags"}), {{"set", TagsOrDie(tags)}, {"remove", untags}}});
  });
  auto* role_show = role->add_subcommand("show", "Show a role: ARN, trust policy, policies, tags");
  role_show->add_option("role", role_name, "Role")->required();
  AddDataDirOptions(role_show, options);
  role_show->callback([&options] { RunVerb(options, {"GET", ApiPath({"roles", role_name})}, PrintPretty()); });

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
  AddDataDirOptions(can_assume, options);
  can_assume->callback([&options] {
    RunVerb(options, {"GET", ApiPath({"access", "can-assume"}, {{"user", name}, {"role", role_name}})},
            [](const Json& d) {
              if (json) {
                std::cout << d.dump() << "\n";
              } else {
                std::cout << (d["allowed"].get<bool>() ? "allowed" : "denied") << " (" << d["check"].get<std::string>()
                          << "): " << d["message"].get<std::string>() << "\n";
              }
              return Status::Ok();
            });
  });
  auto* roles = user->add_subcommand("roles", "The roles a user may run sessions as (execution role first)");
  roles->add_option("name", name, "User")->required();
  AddDataDirOptions(roles, options);
  roles->callback([&options] {
    RunVerb(options, {"GET", ApiPath({"users", name, "roles"})}, [](const Json& answer) {
      for (const auto& r : answer["roles"]) {
        std::cout << r["name"].get<std::string>() << "\t" << r["arn"].get<std::string>() << "\n";
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
  AddDataDirOptions(policy_create, options);
  policy_create->callback([&options] {
    Json body = {{"name", policy_name}, {"document", DocumentOrDie(file)}, {"description", description}};
    RunVerb(options, {"POST", ApiPath({"policies"}), body});
  });
  auto* policy_update = policy->add_subcommand("update", "Replace a managed policy's document");
  policy_update->add_option("name", policy_name, "Policy name")->required();
  policy_update->add_option("file", file, "Policy document (JSON), or - for standard input")->required();
  AddDataDirOptions(policy_update, options);
  policy_update->callback([&options] {
    RunVerb(options, {"PUT", ApiPath({"policies", policy_name}), {{"document", DocumentOrDie(file)}}});
  });
  auto* policy_delete = policy->add_subcommand("delete", "Delete a managed policy (detach it from roles first)");
  policy_delete->add_option("name", policy_name, "Policy name")->required();
  AddDataDirOptions(policy_delete, options);
  policy_delete->callback([&options] { RunVerb(options, {"DELETE", ApiPath({"policies", policy_name})}); });
  auto* policy_list = policy->add_subcommand("list", "List managed policies with their ARNs");
  AddDataDirOptions(policy_list, options);
  policy_list->callback([&options] {
    RunVerb(options, {"GET", ApiPath({"policies"})}, [](const Json& answer) {
      for (const auto& p : answer["policies"]) {
        std::cout << p["name"].get<std::string>() << "\t" << p["arn"].get<std::string>() << "\t"
                  << p["description"].get<std::string>() << "\n";
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
  AddDataDirOptions(get_creds, options, /*user_option=*/false);
  get_creds->callback([&options] {
    Json body = {{"user", user_name}, {"role", role_name}, {"duration_seconds", duration}};
    RunVerb(options, {"POST", ApiPath({"sts", "session-credentials"}), body}, [](const Json& creds) {
      if (json) {
        std::cout << nlohmann::json{{"username", creds["username"]},
                                    {"password", creds["password"]},
                                    {"expiration", creds["expires"]}}
                         .dump()
                  << "\n";
      } else {
        std::cout << "username: " << creds["username"].get<std::string>()
                  << "\npassword: " << creds["password"].get<std::string>() << "\nexpires: " << creds["expires"]
                  << " (Unix seconds)\n";
      }
      return Status::Ok();
    });
  });
  auto* rotate = sts->add_subcommand("rotate-key", "Replace the session key: revokes every temporary credential");
  AddDataDirOptions(rotate, options);
  rotate->callback([&options] { RunVerb(options, {"POST", ApiPath({"sts", "rotate-key"})}); });
  auto* check = sts->add_subcommand(
      "check", "Check temporary credentials (password on standard input): prints the user, role and expiry");
  check->add_option("--user", user_name, "User name the credentials were issued as")->required();
  AddDataDirOptions(check, options, /*user_option=*/false);
  check->callback([&options] {
    std::string password;
    std::getline(std::cin, password);
    // Verifies what the caller holds; needs no IAM action.
    RunVerb(options, {"POST", ApiPath({"sts", "check"}), {{"user", user_name}, {"password", password}}},
            [](const Json& claims) {
              std::cout << claims.dump() << "\n";
              return Status::Ok();
            });
  });

  // --- cluster
  auto* cluster = app.add_subcommand("cluster", "Show the cluster record and change its tags")->require_subcommand(1);
  auto* cluster_show = cluster->add_subcommand("show", "Print the cluster's ARN, role and tags");
  AddDataDirOptions(cluster_show, options);
  cluster_show->callback([&options] { RunVerb(options, {"GET", ApiPath({"cluster"})}, PrintPretty()); });
  auto* cluster_tag = cluster->add_subcommand("tag", "Add, replace or remove the cluster's tags");
  cluster_tag->add_option("--tag", tags, "KEY=VALUE to add or replace (repeatable)");
  cluster_tag->add_option("--untag", untags, "KEY to remove (repeatable)");
  AddDataDirOptions(cluster_tag, options);
  cluster_tag->callback([&options] {
    RunVerb(options, {"POST", ApiPath({"cluster", "tags"}), {{"set", TagsOrDie(tags)}, {"remove", untags}}});
  });
}

}  // namespace weir::cli
