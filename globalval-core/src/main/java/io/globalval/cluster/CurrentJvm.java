package io.globalval.cluster;

import java.lang.management.ManagementFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The command line that started this JVM, to start more JVMs of the same application:
 * the same java, JVM options (less those two JVMs cannot share, see
 * {@link JvmOptionFilter}), classpath or jar, and main class.
 */
public final class CurrentJvm {

	private CurrentJvm() {
	}

	/**
	 * Return the command that starts another JVM like this one, with this JVM's options
	 * less {@link JvmOptionFilter#DEFAULT_EXCLUDED}.
	 * @param mainClass the application's main class, used when the JVM was not started
	 * from an executable jar; {@code null} to take the one this JVM was started with
	 * @param arguments the application's arguments
	 * @return the command
	 */
	public static List<String> command(String mainClass, List<String> arguments) {
		return command(mainClass, new JvmOptionFilter(JvmOptionFilter.DEFAULT_EXCLUDED).filter(jvmOptions()), arguments);
	}

	/**
	 * Return the command that starts another JVM of this application with the given JVM
	 * options.
	 * @param mainClass the application's main class, used when the JVM was not started
	 * from an executable jar; {@code null} to take the one this JVM was started with
	 * @param jvmOptions the JVM options, e.g. {@link #jvmOptions()} filtered
	 * @param arguments the application's arguments
	 * @return the command
	 */
	public static List<String> command(String mainClass, List<String> jvmOptions, List<String> arguments) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		String started = System.getProperty("sun.java.command", "");
		String first = started.isBlank() ? "" : started.split(" ")[0];
		if (isExecutableArchive(first)) {
			command.add("-jar");
			command.add(first);
		}
		else {
			command.add("-cp");
			command.add(System.getProperty("java.class.path"));
			command.add((mainClass != null) ? mainClass : first);
		}
		command.addAll(arguments);
		return command;
	}

	/**
	 * Return the options this JVM was started with (not its main class, jar, classpath or
	 * arguments).
	 * @return the JVM options
	 */
	public static List<String> jvmOptions() {
		return List.copyOf(ManagementFactory.getRuntimeMXBean().getInputArguments());
	}

	/**
	 * Whether a file is a Spring Boot executable jar, whose classes cannot be put on a
	 * plain classpath (they are nested jars), so that it must be started with -jar.
	 */
	static boolean isExecutableArchive(String file) {
		if (!file.endsWith(".jar") || !Files.isRegularFile(Path.of(file))) {
			return false;
		}
		try (JarFile jar = new JarFile(file)) {
			Manifest manifest = jar.getManifest();
			return manifest != null && manifest.getMainAttributes().getValue("Start-Class") != null;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
