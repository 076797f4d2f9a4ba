# The Vagrant lab (vagrant/): three Debian 12 VMs, two hypervisors and a
# collector, provisioned by vagrant/provision.sh with the project's own
# scripts (vagrant/README.rst).
#
# "make check-vagrant" runs tests/vagrant/test-lab.sh: the Vagrantfile
# checked (ruby -c, vagrant validate where installed, and what it
# configures), then, as root, the same provisioning steps in network
# namespaces, with "make install" into a DESTDIR of their own, ending with
# mirrored traffic read back from the collector's pcap and the
# two-hypervisor system test.

EXTRA_CHECK_LAYERS += check-vagrant
EXTRA_PHONY += check-vagrant

check-vagrant: $(PROGRAMS)
	@mkdir -p $(CHECK_LOGS)
	OVS_SRC=$(TOP)/$(OVS_SRC) MAKE="$(MAKE)" \
	    tests/vagrant/test-lab.sh $(TOP) 2>&1 \
	    | tee $(CHECK_LOGS)/vagrant.log
