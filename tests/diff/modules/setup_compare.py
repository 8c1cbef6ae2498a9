"""setup_compare.py ANSIBLE_OUT DROVER_OUT: compares the facts of `ansible HOST -m setup` and
`drover HOST -m setup` (their "HOST | SUCCESS => {...}" output). Prints one line per difference
and exits 1 when there is one."""
import json
import sys

# Facts drover leaves out on purpose (docs/modules.md, setup): there is no Python on the target.
LEFT_OUT = {"ansible_python", "ansible_python_version", "ansible_selinux_python_present"}

# Facts whose values must be equal (the others change between two runs: time, memory, load...,
# or depend on the process: env, or have no defined order: interfaces, tech_guest).
EQUAL = [
    "ansible_all_ipv4_addresses", "ansible_apparmor", "ansible_architecture", "ansible_cmdline",
    "ansible_default_ipv4", "ansible_default_ipv6", "ansible_device_links", "ansible_distribution",
    "ansible_distribution_file_variety", "ansible_distribution_major_version",
    "ansible_distribution_release", "ansible_distribution_version", "ansible_dns", "ansible_domain",
    "ansible_effective_group_id", "ansible_effective_user_id", "ansible_fibre_channel_wwn",
    "ansible_fips", "ansible_form_factor", "ansible_fqdn", "ansible_hostname", "ansible_hostnqn",
    "ansible_is_chroot", "ansible_iscsi_iqn", "ansible_kernel", "ansible_kernel_version",
    "ansible_local", "ansible_lsb", "ansible_machine", "ansible_machine_id", "ansible_memtotal_mb",
    "ansible_nodename", "ansible_os_family", "ansible_pkg_mgr", "ansible_proc_cmdline",
    "ansible_processor", "ansible_processor_cores", "ansible_processor_count",
    "ansible_processor_nproc", "ansible_processor_threads_per_core", "ansible_processor_vcpus",
    "ansible_product_name", "ansible_real_group_id", "ansible_real_user_id", "ansible_selinux",
    "ansible_service_mgr", "ansible_swaptotal_mb", "ansible_system", "ansible_system_capabilities",
    "ansible_system_capabilities_enforced", "ansible_system_vendor", "ansible_user_dir",
    "ansible_user_gecos", "ansible_user_gid", "ansible_user_id", "ansible_user_shell",
    "ansible_user_uid", "ansible_userspace_architecture", "ansible_userspace_bits",
    "ansible_virtualization_role", "ansible_virtualization_type",
]


def facts_of(path):
    text = open(path).read()
    start = text.find("{")
    if start < 0:
        sys.exit("no result in %s:\n%s" % (path, text))
    return json.loads(text[start:])["ansible_facts"]


def keys(a, d, path, out):
    if isinstance(a, dict) and isinstance(d, dict):
        for k in sorted(set(a) | set(d)):
            if k not in d:
                out.append("missing in drover: %s%s" % (path, k))
            elif k not in a:
                out.append("not in Ansible: %s%s" % (path, k))
            else:
                keys(a[k], d[k], path + k + ".", out)
    elif isinstance(a, list) and isinstance(d, list) and a and d and isinstance(a[0], dict):
        keys(a[0], d[0], path + "[0].", out)
    elif type(a) != type(d) and not (isinstance(a, (int, float)) and isinstance(d, (int, float))):
        out.append("type of %s: %s in Ansible, %s in drover" % (path.rstrip("."), type(a).__name__, type(d).__name__))


def main():
    a, d = facts_of(sys.argv[1]), facts_of(sys.argv[2])
    out = []
    for name in LEFT_OUT:
        if name in d:
            out.append("drover returns %s, documented as left out" % name)
        a.pop(name, None)
    # the environment is each process's own; both must have one with PATH
    for side, facts in (("Ansible", a), ("drover", d)):
        if "PATH" not in facts.pop("ansible_env", {}):
            out.append("no ansible_env.PATH from %s" % side)
    keys(a, d, "", out)
    for name in EQUAL:
        if name in a and name in d and a[name] != d[name]:
            out.append("value of %s: %r in Ansible, %r in drover" % (name, a[name], d[name]))
    if sorted(a.get("ansible_interfaces", [])) != sorted(d.get("ansible_interfaces", [])):
        out.append("interfaces differ: %r, %r" % (a.get("ansible_interfaces"), d.get("ansible_interfaces")))
    for line in out:
        print(line)
    print("setup differential: %d facts compared, %d differences" % (len(a), len(out)))
    return 1 if out else 0


sys.exit(main())
