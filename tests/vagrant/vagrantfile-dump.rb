# Loads a Vagrantfile with a stand-in for Vagrant's configuration objects
# and prints what it configures for each machine, one fact per line, so
# that a shell test can check it without Vagrant or a provider:
#
#   machine NAME
#   NAME box BOX
#   NAME hostname HOSTNAME
#   NAME network TYPE IP
#   NAME synced HOST-PATH(absolute) GUEST-PATH TYPE
#   NAME provider PROVIDER
#   NAME provision NAME TYPE PATH RUN ARG...
#   NAME env PROVISIONER KEY=VALUE
#
# Settings made on the whole configuration come first, then the machine's,
# in the order Vagrant applies them; a machine's box or hostname replaces
# the global one.  A setting or option the stand-in does not know is an
# error, naming it: a misspelt key must not pass unnoticed.
#
# usage: ruby vagrantfile-dump.rb VAGRANTFILE

# Provider blocks take any setting: "vagrant validate" checks them against
# the real providers where those are installed.
class AnySettings
  def method_missing(_name, *_args)
    self
  end

  def respond_to_missing?(_name, _private = false)
    true
  end
end

class VMSettings
  attr_reader :defines, :values, :networks, :synced, :providers, :provisions

  def initialize
    @defines = []
    @values = {}
    @networks = []
    @synced = []
    @providers = []
    @provisions = []
  end

  def self.check_options(what, options, known)
    unknown = options.keys.map(&:to_s) - known
    return if unknown.empty?

    raise "#{what}: unknown options #{unknown.join(', ')}"
  end

  def box=(value)
    @values["box"] = value
  end

  def hostname=(value)
    @values["hostname"] = value
  end

  def define(name, **_options)
    machine = MachineConfig.new
    yield machine if block_given?
    @defines << [name.to_s, machine]
  end

  def network(type, **options)
    VMSettings.check_options("network #{type}", options,
                             %w[ip auto_config netmask type])
    @networks << [type.to_s, options[:ip].to_s]
  end

  def synced_folder(host, guest, **options)
    VMSettings.check_options("synced_folder #{guest}", options,
                             %w[type disabled rsync__exclude rsync__args
                                owner group mount_options])
    @synced << [host.to_s, guest.to_s, (options[:type] || "default").to_s]
  end

  def provider(name)
    yield AnySettings.new if block_given?
    @providers << name.to_s
  end

  def provision(name, **options)
    VMSettings.check_options("provision #{name}", options,
                             %w[type path inline args env run privileged
                                preserve_order])
    @provisions << [name.to_s, options]
  end
end

class MachineConfig
  attr_reader :vm

  def initialize
    @vm = VMSettings.new
  end
end

module Vagrant
  CONFIGS = []

  def self.configure(version)
    raise "configuration version #{version}: expected \"2\"" if version != "2"

    config = MachineConfig.new
    yield config
    CONFIGS << config
  end
end

path = ARGV.fetch(0) { abort "usage: ruby vagrantfile-dump.rb VAGRANTFILE" }
file = File.expand_path(path)
dir = File.dirname(file)
Dir.chdir(dir) { load file }

Vagrant::CONFIGS.each do |config|
  global = config.vm
  global.defines.each do |name, machine|
    vm = machine.vm
    puts "machine #{name}"
    %w[box hostname].each do |key|
      value = vm.values.fetch(key) { global.values[key] }
      puts "#{name} #{key} #{value}" if value
    end
    (global.networks + vm.networks).each do |type, ip|
      puts "#{name} network #{type} #{ip}"
    end
    (global.synced + vm.synced).each do |host, guest, type|
      puts "#{name} synced #{File.expand_path(host, dir)} #{guest} #{type}"
    end
    (global.providers + vm.providers).uniq.each do |provider|
      puts "#{name} provider #{provider}"
    end
    (global.provisions + vm.provisions).each do |pname, options|
      args = Array(options[:args]).map(&:to_s)
      puts ["#{name} provision #{pname}", options[:type] || pname,
            options[:path] || "-", options[:run] || "once", *args].join(" ")
      (options[:env] || {}).each do |key, value|
        puts "#{name} env #{pname} #{key}=#{value}"
      end
    end
  end
end
