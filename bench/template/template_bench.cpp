// Renders a realistic config template (an nginx config with a 1,000-server upstream loop) with
// drover's engine and with Python's Jinja2 in the same run, and prints renders/second and the ratio.
// Not a timed test: build it on demand (see CMakeLists.txt beside this file).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include "core/template/templar.hpp"
#include "core/value/json.hpp"

using namespace drover;

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Value make_vars(int servers) {
  Map nginx{{"user", "www-data"}, {"workers", 4}, {"connections", "512"}};
  nginx.set("http_options", Value(Map{{"sendfile", "on"}, {"tcp_nopush", "on"}, {"keepalive_timeout", 65},
                                      {"types_hash_max_size", 2048}, {"gzip", "on"}}));
  List backends;
  for (int i = 0; i < servers; ++i) {
    Map s{{"host", "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250)},
          {"port", 8000 + i % 16},
          {"enabled", i % 10 != 0},
          {"tags", Value::list({Value("app"), Value("zone" + std::to_string(i % 3))})}};
    if (i % 3 == 0) s.set("weight", i % 5 + 1);
    if (i % 50 == 0) s.set("backup", true);
    backends.emplace_back(std::move(s));
  }
  List sites;
  for (int i = 0; i < 5; ++i) {
    List locations;
    for (int j = 0; j < 4; ++j)
      locations.emplace_back(Map{{"path", "/app" + std::to_string(j)}, {"upstream_path", "/v" + std::to_string(j)}});
    sites.emplace_back(Map{{"port", 443}, {"tls", i % 2 == 0},
                           {"names", Value::list({Value("site" + std::to_string(i) + ".example.com")})},
                           {"locations", Value(std::move(locations))}});
  }
  return Value(Map{{"inventory_hostname", "web01"}, {"nginx", Value(std::move(nginx))},
                   {"backends", Value(std::move(backends))}, {"sites", Value(std::move(sites))}});
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
  std::filesystem::path dir = DROVER_BENCH_DIR;
  std::string source = slurp(dir / "config.j2");
  Value vars = make_vars(1000);

  tmpl::MapVariables variables(vars);
  std::string first;
  {
    tmpl::Templar templar(variables);
    first = templar.render(source, "config.j2");
  }
  long count = 0;
  auto start = std::chrono::steady_clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    tmpl::Templar templar(variables);  // one Templar per task, as the executor makes them
    std::string out = templar.render(source, "config.j2");
    if (out.size() != first.size()) return 1;
    ++count;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  double drover_rate = count / elapsed;
  if (std::getenv("DROVER_BENCH_ONLY")) {
    std::printf("drover: %.1f renders/s\n", drover_rate);
    return 0;
  }
  std::printf("drover:        %10.1f renders/s (%zu bytes per render)\n", drover_rate, first.size());

  Json request;
  request["template"] = source;
  request["vars"] = to_json(vars);
  request["seconds"] = seconds;
  auto in = std::filesystem::temp_directory_path() / ("drover-bench-" + std::to_string(getpid()) + ".json");
  auto out = in;
  out.replace_extension(".out");
  { std::ofstream(in) << request.dump(); }
  std::string cmd = "/usr/bin/python3 " + (dir / "bench.py").string() + " < " + in.string() + " > " + out.string();
  if (std::system(cmd.c_str()) != 0) {
    std::printf("python jinja2: not available (/usr/bin/python3 with jinja2 is needed)\n");
    return 0;
  }
  Json result = Json::parse(slurp(out));
  std::filesystem::remove(in);
  std::filesystem::remove(out);
  double python_rate = result["renders_per_second"].get<double>();
  bool same = result["output"].get<std::string>() + "" == first.substr(0, result["output"].get<std::string>().size());
  std::printf("python jinja2: %10.1f renders/s\n", python_rate);
  std::printf("ratio:         %10.1fx (outputs %s)\n", drover_rate / python_rate, same ? "identical" : "DIFFER");
  return same ? 0 : 1;
}
