#include "core/allocator.hpp"

#include <malloc.h>

namespace drover {

void tune_allocator() {
  constexpr int k_keep_free_bytes = 64 << 20;
  mallopt(M_TRIM_THRESHOLD, k_keep_free_bytes);
}

}  // namespace drover
