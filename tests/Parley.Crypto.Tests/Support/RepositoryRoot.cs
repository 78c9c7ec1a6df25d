namespace Parley.Crypto.Tests.Support;

/// <summary>Finds the repository (the folder holding Parley.slnx) from the test assembly's folder.</summary>
internal static class RepositoryRoot
{
    internal static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Parley.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No Parley.slnx above {AppContext.BaseDirectory}; the tests must run from inside the repository.");
    }
}
