using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Parley.Storage.Sqlite;

namespace Parley.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>The embedded store: one SQLite file under Storage:DataDirectory.</summary>
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<SqliteDatabase>();
        services.AddSingleton<IAccountStore, SqliteAccountStore>();
        services.AddSingleton<IConversationStore, SqliteConversationStore>();
        return services;
    }
}
