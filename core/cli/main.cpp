#include <cstdio>

int main() {
  std::puts("drover " DROVER_VERSION);
  return 0;
}
