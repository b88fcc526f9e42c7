// `weir policy simulate` and `weir policy validate`: the IAM policy engine
// from the command line.

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "common/status.h"
#include "iam/policy.h"

// `weir policy simulate` and `weir policy validate` exit 0 on success (any
// decision, or a valid policy), 2 on invalid input, 1 when the input cannot
// be read.

namespace weir::cli {

namespace {

using nlohmann::json;

// Simulation input is a handful of policies; anything this large is a mistake.
constexpr size_t kMaxSimulateInputBytes = 16 * 1024 * 1024;
// The simulate document wraps policies two levels deep.
constexpr size_t kMaxSimulateDepth = iam::kMaxPolicyDepth + 4;

constexpr const char* kSimulateHelp =
    "Decide one request against IAM policies, as AWS would. Reads ONE JSON document on stdin:\n"
    "\n"
    "  {\"policies\": [identity policy, ...],          (optional; objects or JSON strings)\n"
    "   \"resource_policy\": policy,                   (optional; resource-based or trust policy)\n"
    "   \"permission_boundaries\": [policy, ...],      (optional)\n"
    "   \"session_policy\": policy,                    (optional)\n"
    "   \"request\": {\"principal\": \"arn:aws:sts::111122223333:assumed-role/R/s\" or null,\n"
    "               \"action\": \"service:Action\",\n"
    "               \"resource\": \"arn:...\" or \"*\",\n"
    "               \"resource_account\": \"111122223333\",  (optional; default: the caller's account)\n"
    "               \"context\": {\"aws:SourceIp\": \"203.0.113.7\", \"aws:TagKeys\": [\"a\", \"b\"]}}}\n"
    "\n"
    "Prints one JSON line:\n"
    "  {\"decision\": \"Allow\"|\"ExplicitDeny\"|\"ImplicitDeny\",\n"
    "   \"matched\": [{\"source\": \"identity\"|\"resource\"|\"boundary\"|\"session\", \"policy\": N,\n"
    "                \"statement\": \"Sid or index\", \"effect\": \"Allow\"|\"Deny\"}]}\n"
    "'matched' lists the Deny statements that applied for ExplicitDeny, otherwise the Allow statements.\n"
    "Exit status: 0 for any decision; 2 for invalid input, printed as {\"error\": \"...\", \"path\": \"...\"}.\n"
    "The caller's account is taken from the principal ARN.";

constexpr const char* kValidateHelp =
    "Parse and validate an IAM JSON policy document. Prints \"valid\" and exits 0, or prints the error\n"
    "(with the JSON path of the offending element, e.g. Statement[1].Condition.StringEqualz) on stderr\n"
    "and exits 2. FILE may be '-' for stdin.";

struct InputError {
  std::string path;
  std::string message;
};

std::string JoinPath(const std::string& base, const std::string& rest) {
  if (rest.empty()) return base;
  if (base.empty()) return rest;
  return rest[0] == '[' ? base + rest : base + "." + rest;
}

[[noreturn]] void FailInput(const InputError& e) {
  nlohmann::ordered_json out;
  out["error"] = e.message;
  out["path"] = e.path;
  std::cout << out.dump() << std::endl;
  std::exit(2);
}

bool ReadAll(std::istream& in, size_t limit, std::string* out) {
  out->clear();
  char buffer[64 * 1024];
  while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0) {
    out->append(buffer, static_cast<size_t>(in.gcount()));
    if (out->size() > limit) return false;
  }
  return !in.bad();
}

// A policy given as a JSON object or as a JSON string holding the document.
iam::Policy LoadPolicy(const json& doc, iam::PolicyKind kind, const std::string& path) {
  std::string text;
  if (doc.is_string()) {
    text = doc.get<std::string>();
  } else if (doc.is_object()) {
    text = doc.dump();
  } else {
    FailInput({path, "a policy must be a JSON object or a string holding one"});
  }
  iam::PolicyError error;
  auto policy = iam::Policy::Parse(text, kind, &error);
  if (!policy.ok()) FailInput({JoinPath(path, error.path), error.message});
  return std::move(policy).value();
}

std::vector<std::string> ContextValues(const json& value, const std::string& path) {
  auto scalar = [&path](const json& v, const std::string& p) -> std::string {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number()) return v.dump();
    FailInput({p, "a context value must be a string, number or boolean"});
  };
  std::vector<std::string> out;
  if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) out.push_back(scalar(value[i], path + "[" + std::to_string(i) + "]"));
  } else {
    out.push_back(scalar(value, path));
  }
  return out;
}

std::string RequiredString(const json& object, const char* key, const std::string& path) {
  auto it = object.find(key);
  if (it == object.end()) FailInput({path, std::string("missing ") + key});
  if (!it->is_string()) FailInput({JoinPath(path, key), "expected a string"});
  return it->get<std::string>();
}

iam::Request LoadRequest(const json& r) {
  const std::string path = "request";
  if (!r.is_object()) FailInput({path, "expected an object"});
  for (const auto& item : r.items()) {
    const std::string& key = item.key();
    if (key != "principal" && key != "principal_account" && key != "action" && key != "resource" &&
        key != "resource_account" && key != "context") {
      FailInput({JoinPath(path, key), "unknown request field"});
    }
  }
  iam::Request request;
  if (auto it = r.find("principal"); it != r.end() && !it->is_null()) {
    if (!it->is_string()) FailInput({"request.principal", "expected an ARN string or null"});
    request.principal = it->get<std::string>();
  }
  request.action = RequiredString(r, "action", path);
  request.resource = RequiredString(r, "resource", path);
  for (const char* key : {"resource_account", "principal_account"}) {
    if (auto it = r.find(key); it != r.end()) {
      if (!it->is_string()) FailInput({JoinPath(path, key), "expected a string"});
      (std::string(key) == "resource_account" ? request.resource_account : request.principal_account) =
          it->get<std::string>();
    }
  }
  if (auto it = r.find("context"); it != r.end()) {
    if (!it->is_object()) FailInput({"request.context", "expected an object of condition keys"});
    for (const auto& item : it->items()) {
      request.context.Set(item.key(), ContextValues(item.value(), "request.context." + item.key()));
    }
  }
  Status valid = iam::ValidateRequest(request);
  if (!valid.ok()) {
    // "field: problem" → path request.field.
    const std::string& m = valid.message();
    auto colon = m.find(": ");
    FailInput({colon == std::string::npos ? path : JoinPath(path, m.substr(0, colon)),
               colon == std::string::npos ? m : m.substr(colon + 2)});
  }
  return request;
}

int RunSimulate() {
  std::string input;
  if (!ReadAll(std::cin, kMaxSimulateInputBytes, &input)) {
    FailInput({"", "input unreadable or larger than " + std::to_string(kMaxSimulateInputBytes) + " bytes"});
  }
  iam::PolicyError structure;
  if (!iam::ValidateJsonText(input, kMaxSimulateDepth, &structure).ok()) {
    FailInput({structure.path, structure.message});
  }
  json doc = json::parse(input, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) FailInput({"", "expected one JSON object on stdin"});
  for (const auto& item : doc.items()) {
    const std::string& key = item.key();
    if (key != "policies" && key != "resource_policy" && key != "permission_boundaries" && key != "session_policy" &&
        key != "request") {
      FailInput({key,
                 "unknown field (expected policies, resource_policy, permission_boundaries, session_policy, "
                 "request)"});
    }
  }

  std::vector<iam::Policy> identity, boundaries;
  std::unique_ptr<iam::Policy> resource, session;
  auto load_list = [&doc](const char* key, std::vector<iam::Policy>* out) {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) return;
    if (!it->is_array()) FailInput({key, "expected a list of policies"});
    for (size_t i = 0; i < it->size(); ++i) {
      std::string path = std::string(key) + "[" + std::to_string(i) + "]";
      out->push_back(LoadPolicy((*it)[i], iam::PolicyKind::kIdentity, path));
    }
  };
  load_list("policies", &identity);
  if (auto it = doc.find("resource_policy"); it != doc.end() && !it->is_null()) {
    if (!it->is_string() && !it->is_object()) {
      FailInput({"resource_policy", "a policy must be a JSON object or a string holding one"});
    }
    // A role trust policy is a role's resource policy; it is told apart by
    // having no Resource element, which a resource-based policy requires.
    std::string text = it->is_string() ? it->get<std::string>() : it->dump();
    iam::PolicyError error;
    auto parsed = iam::Policy::Parse(text, iam::PolicyKind::kResource, &error);
    if (!parsed.ok() && error.message == "missing Resource or NotResource") {
      parsed = iam::Policy::Parse(text, iam::PolicyKind::kTrust, &error);
    }
    if (!parsed.ok()) FailInput({JoinPath("resource_policy", error.path), error.message});
    resource = std::make_unique<iam::Policy>(std::move(parsed).value());
  }
  load_list("permission_boundaries", &boundaries);
  if (auto it = doc.find("session_policy"); it != doc.end() && !it->is_null()) {
    session = std::make_unique<iam::Policy>(LoadPolicy(*it, iam::PolicyKind::kIdentity, "session_policy"));
  }
  auto request_it = doc.find("request");
  if (request_it == doc.end()) FailInput({"", "missing request"});
  iam::Request request = LoadRequest(*request_it);

  iam::PolicySet set;
  for (const auto& p : identity) set.identity.push_back(&p);
  set.resource = resource.get();
  for (const auto& p : boundaries) set.permission_boundaries.push_back(&p);
  set.session = session.get();
  iam::Decision decision = iam::Decide(set, request);

  // ordered_json keeps the fields in the documented order.
  nlohmann::ordered_json matched = nlohmann::ordered_json::array();
  for (const auto& m : decision.matched) {
    nlohmann::ordered_json entry;
    entry["source"] = iam::SourceName(m.source);
    entry["policy"] = m.policy_index;
    entry["statement"] = m.statement;
    entry["effect"] = iam::EffectName(m.effect);
    matched.push_back(std::move(entry));
  }
  nlohmann::ordered_json out;
  out["decision"] = iam::DecisionKindName(decision.kind);
  out["matched"] = std::move(matched);
  std::cout << out.dump() << std::endl;
  return 0;
}

int RunValidate(const std::string& file, const std::string& type) {
  iam::PolicyKind kind = iam::PolicyKind::kAny;
  if (!iam::ParsePolicyKind(type, &kind)) {
    std::cerr << "error: unknown policy type '" << type << "' (expected any, identity, resource or trust)\n";
    return 2;
  }
  std::string text;
  bool read = false;
  if (file == "-") {
    read = ReadAll(std::cin, iam::kMaxPolicyBytes + 1, &text) || text.size() > iam::kMaxPolicyBytes;
  } else {
    std::ifstream in(file, std::ios::binary);
    read = in && (ReadAll(in, iam::kMaxPolicyBytes + 1, &text) || text.size() > iam::kMaxPolicyBytes);
  }
  if (!read) {
    std::cerr << "error: cannot read " << file << "\n";
    return 1;
  }
  auto policy = iam::Policy::Parse(text, kind);
  if (!policy.ok()) {
    std::cerr << file << ": " << policy.status().message() << "\n";
    return 2;
  }
  std::cout << "valid\n";
  return 0;
}

}  // namespace

void AddPolicyCommands(CLI::App& app) {
  auto* policy = app.add_subcommand("policy", "Validate IAM JSON policies and simulate authorization decisions")
                     ->require_subcommand(1);

  auto* simulate = policy->add_subcommand("simulate", "Decide a request (JSON on stdin) against IAM policies");
  simulate->footer(kSimulateHelp);
  simulate->callback([] { std::exit(RunSimulate()); });

  struct ValidateArgs {
    std::string file;
    std::string type = "any";
  };
  auto args = std::make_shared<ValidateArgs>();
  auto* validate = policy->add_subcommand("validate", "Check an IAM JSON policy document");
  validate->footer(kValidateHelp);
  validate->add_option("file", args->file, "Policy document (JSON), or - for stdin")->required();
  validate
      ->add_option("--type", args->type,
                   "Validate as: any (default), identity (no Principal; Resource required), resource (Principal and "
                   "Resource required) or trust (Principal required; no Resource)")
      ->check(CLI::IsMember({"any", "identity", "resource", "trust"}));
  validate->callback([args] { std::exit(RunValidate(args->file, args->type)); });
}

}  // namespace weir::cli
