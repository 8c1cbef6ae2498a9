// Executable inventory scripts (Ansible's script plugin): `SCRIPT --list` prints
// {group: {hosts, vars, children} | [hosts], _meta: {hostvars}}; without _meta every host is
// asked for with `SCRIPT --host NAME`.
#include <boost/process.hpp>
#include <set>
#include <thread>

#include "core/error.hpp"
#include "core/secrets/keyring.hpp"
#include "core/value/json.hpp"
#include "plugins/inventory/registry.hpp"

namespace drover::inventory {

namespace bp = boost::process;

std::string run_inventory_script(const std::string& script, const std::string& arg) {
  bp::ipstream out, err;
  std::string output, errors, line;
  int rc = -1;
  try {
    std::vector<std::string> args = arg == "--list" ? std::vector<std::string>{"--list"}
                                                    : std::vector<std::string>{"--host", arg};
    bp::environment env = boost::this_process::environment();  // without age keys
    for (const auto& name : secrets::secret_environment_variables()) env.erase(name);
    bp::child c(script, bp::args(args), env, bp::std_out > out, bp::std_err > err);
    std::thread drain([&] {
      std::string l;
      while (std::getline(err, l)) errors += l + "\n";
    });
    while (std::getline(out, line)) output += line + "\n";
    c.wait();
    drain.join();
    rc = c.exit_code();
  } catch (const std::exception& e) {
    throw Fatal("failed to run inventory script " + script + ": " + e.what());
  }
  if (rc != 0)
    throw Fatal("Inventory script (" + script + ") had an execution error: exit code " + std::to_string(rc) +
                (errors.empty() ? "" : "\n" + errors));
  return output;
}

namespace {

void script_group(Inventory& inv, const std::string& name, Value data, std::set<std::string>& hosts,
                  const std::string& script) {
  inv.add_group(name);
  if (!data.is_map()) {
    Map m;
    m.set("hosts", data);
    data = Value(std::move(m));
  } else if (!data.find("hosts") && !data.find("vars") && !data.find("children")) {
    Map m;
    m.set("hosts", Value::list({Value(name)}));
    m.set("vars", data);
    data = Value(std::move(m));
  }
  if (const Value* hs = data.find("hosts")) {
    if (!hs->is_list())
      throw Fatal(script + ": You defined a group '" + name + "' with bad data for the host list: " + dump_json(data));
    for (const auto& h : hs->as_list()) {
      std::string hn = h.is_string() ? h.as_string() : dump_json(h);
      hosts.insert(hn);
      inv.add_host(hn, name);
    }
  }
  if (const Value* vs = data.find("vars")) {
    if (!vs->is_map())
      throw Fatal(script + ": You defined a group '" + name + "' with bad data for variables: " + dump_json(data));
    for (const auto& [k, v] : vs->as_map()) inv.set_group_var(name, k, v);
  }
  if (const Value* cs = data.find("children"))
    if (cs->is_list())
      for (const auto& c : cs->as_list())
        if (c.is_string()) inv.add_child(name, c.as_string());
}

}  // namespace

void parse_script_inventory(Inventory& inv, const std::string& script, ScriptRunner run) {
  Value data = parse_json(run(script, "--list"), "output of inventory script " + script + " --list");
  if (!data.is_map()) throw Fatal(script + " --list: expected a JSON object of groups, got " + data.type_name());
  std::set<std::string> hosts;
  const Value* meta_hostvars = nullptr;
  for (const auto& [group, gdata] : data.as_map()) {
    if (group == "_meta") {
      meta_hostvars = gdata.find("hostvars");
      continue;
    }
    script_group(inv, group, gdata, hosts, script);
  }
  for (const auto& h : hosts) {
    Value vars = meta_hostvars ? meta_hostvars->get(h)
                               : parse_json(run(script, h), "output of inventory script " + script + " --host " + h);
    if (vars.is_null()) continue;
    if (!vars.is_map()) throw Fatal(script + ": vars of host '" + h + "' must be a JSON object");
    for (const auto& [k, v] : vars.as_map()) inv.set_host_var(h, k, v);
  }
}

}  // namespace drover::inventory
