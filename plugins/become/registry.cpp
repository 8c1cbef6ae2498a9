#include "plugins/become/registry.hpp"

namespace drover::become {

BecomeMethods become_methods() {
  static const BecomeMethod k_methods[] = {k_su, k_sudo};
  return k_methods;
}

}  // namespace drover::become
