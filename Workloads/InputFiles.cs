namespace HwSim.Workloads;

/// <summary>
/// Opening a user's file the one way every reader does: a missing or unreadable file is an
/// <see cref="InputException"/> naming it, never an I/O exception with a stack trace.
/// </summary>
public static class InputFiles
{
    public static StreamReader OpenText(string path) => Guard(path, () => new StreamReader(path));

    public static string ReadAllText(string path) => Guard(path, () => File.ReadAllText(path));

    private static T Guard<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputException("file not found", file: path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"cannot read the file: {e.Message}", file: path);
        }
    }
}
