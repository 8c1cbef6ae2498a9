// Renders a realistic config template (an nginx config with a 1,000-server upstream loop) with
// drover's engine and with Python's Jinja2 in the same run, and prints renders/second and the ratio.
// Not a timed test: build it on demand (`scripts/build drover-template-bench`).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include <sched.h>

#include <boost/process.hpp>

#include "core/allocator.hpp"
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

// One timed round of drover: renders for `seconds`, one Templar per render as the executor makes
// them; returns renders per second.
double drover_round(tmpl::MapVariables& variables, const std::string& source, std::size_t expected_size,
                    double seconds) {
  long count = 0;
  auto start = std::chrono::steady_clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    tmpl::Templar templar(variables);
    std::string out = templar.render(source, "config.j2");
    if (out.size() != expected_size) {
      std::fprintf(stderr, "drover's output changed between renders\n");
      std::exit(1);
    }
    ++count;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return count / elapsed;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

}  // namespace

// Usage: drover-template-bench [SECONDS_PER_ROUND [ROUNDS]]   (defaults 1 and 5)
// The two engines take turns, round by round, so that load from other processes on a shared
// machine falls on both alike; the best and the median round of each are printed.
int main(int argc, char** argv) {
  drover::tune_allocator();  // as drover's main() does
  // Both engines run on the CPU this process started on (the Python child inherits the mask):
  // the two vCPUs of the development VM differ by 40% in speed, which made ratios of rounds that
  // ran on different CPUs meaningless.
  const int cpu = sched_getcpu();
  if (cpu >= 0) {
    cpu_set_t only;
    CPU_ZERO(&only);
    CPU_SET(cpu, &only);
    sched_setaffinity(0, sizeof only, &only);
  }
  const double seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  std::filesystem::path dir = DROVER_BENCH_DIR;
  std::string source = slurp(dir / "config.j2");
  Value vars = make_vars(1000);

  tmpl::MapVariables variables(vars);
  std::string first;
  {
    tmpl::Templar templar(variables);
    first = templar.render(source, "config.j2");
  }
  if (std::getenv("DROVER_BENCH_ONLY")) {
    std::printf("drover: %.1f renders/s\n", drover_round(variables, source, first.size(), seconds * rounds));
    return 0;
  }

  // Python's Jinja2 runs in one long-lived process that times a round whenever asked.
  Json request;
  request["template"] = source;
  request["vars"] = to_json(vars);
  namespace bp = boost::process;
  bp::opstream to_python;
  bp::ipstream from_python;
  bp::child python;
  try {
    python = bp::child("/usr/bin/python3", (dir / "bench.py").string(), bp::std_in < to_python,
                       bp::std_out > from_python);
  } catch (const std::exception&) {
  }
  to_python << request.dump() << std::endl;
  std::string line;
  if (!std::getline(from_python, line)) {
    std::printf("python jinja2: not available (/usr/bin/python3 with jinja2 is needed)\n");
    return 0;
  }
  Json ready = Json::parse(line);
  const std::string python_output = ready["output"].get<std::string>();
  // Jinja2 drops the source's last newline; Ansible's template module (and drover) keep it.
  const bool same = python_output == first || python_output + "\n" == first;

  std::vector<double> drover_rates, python_rates;
  for (int round = 0; round < rounds; ++round) {
    drover_rates.push_back(drover_round(variables, source, first.size(), seconds));
    to_python << seconds << std::endl;
    if (!std::getline(from_python, line)) return 1;
    python_rates.push_back(Json::parse(line)["renders_per_second"].get<double>());
  }
  to_python.pipe().close();
  python.wait();

  const double drover_best = *std::max_element(drover_rates.begin(), drover_rates.end());
  const double python_best = *std::max_element(python_rates.begin(), python_rates.end());
  std::printf("%d alternating rounds of %.1f s on CPU %d; %zu bytes per render\n", rounds, seconds, cpu,
              first.size());
  std::printf("%-14s %12s %12s\n", "renders/s", "best", "median");
  std::printf("%-14s %12.1f %12.1f\n", "drover", drover_best, median(drover_rates));
  std::printf("%-14s %12.1f %12.1f\n", "python jinja2", python_best, median(python_rates));
  std::printf("%-14s %11.1fx %11.1fx   (outputs %s)\n", "ratio", drover_best / python_best,
              median(drover_rates) / median(python_rates), same ? "identical" : "DIFFER");
  return same ? 0 : 1;
}
