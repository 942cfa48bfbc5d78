using Microsoft.EntityFrameworkCore;
using Florascope.Messages;

namespace Florascope.Data.Accounts;

/// <summary>Why an account operation was refused; mapped to HTTP in one place (the accounts API).</summary>
public enum AccountError
{
    /// <summary>The user name or e-mail belongs to another account (also when two sign-ups race for it).</summary>
    Taken,
    /// <summary>No account of that user name.</summary>
    UnknownUser,
}

public sealed class AccountException(AccountError error, MessageText text) : Exception(text.English)
{
    public AccountException(AccountError error, string message) : this(error, MessageText.Untranslated(message)) { }

    /// <summary>The message with its translation key and values (the observatory API answers it in the request's language).</summary>
    public MessageText Text { get; } = text;
    public AccountError Error { get; } = error;
}

/// <summary>
/// The account rules on the database: sign-up (the founder, conflicts decided by unique indexes so
/// that concurrent sign-ups cannot break them) and administrator rights, the one source of which is
/// <see cref="User.IsAdmin"/>: every request reads it (see Security/SessionStore), so a grant or a
/// revocation applies at the next request of an open session.
/// </summary>
public static class AccountStore
{
    /// <summary>Inserts tried by one sign-up before it is answered as a conflict.</summary>
    public const int MaxSignUpAttempts = 3;

    /// <summary>Cheap check before the password is hashed; <see cref="SignUpAsync"/> decides for good.</summary>
    public static Task<bool> IsTakenAsync(FlorascopeDb db, string userName, string email, CancellationToken ct = default) =>
        db.Users.AnyAsync(u => u.UserName == userName || u.Email == email, ct);

    /// <summary>
    /// Adds the account. The first account is the founder and administrator: the filtered unique
    /// index on <see cref="User.IsFounder"/> lets only one insert claim it, and the loser of that race
    /// is stored as an ordinary account. A user name or e-mail taken meanwhile is <see cref="AccountError.Taken"/>.
    /// </summary>
    public static async Task<User> SignUpAsync(FlorascopeDb db, User user, CancellationToken ct = default)
    {
        // Three tries: a failed insert is retried once the founder is known; a third failure is answered as a
        // conflict (409) too, never as an unexpected error: only the unique indexes can refuse this row.
        for (var attempt = 1; ; attempt++)
        {
            if (await IsTakenAsync(db, user.UserName, user.Email, ct))
                throw new AccountException(AccountError.Taken, MessageText.Of("server.account.taken", "That user name or e-mail is already taken."));
            user.IsFounder = !await db.Users.AnyAsync(u => u.IsFounder, ct);
            user.IsAdmin = user.IsFounder;
            db.Users.Add(user);
            try
            {
                await db.SaveChangesAsync(ct);
                return user;
            }
            catch (DbUpdateException)
            {
                // A unique index refused the row: another sign-up took the name, the e-mail or the founder
                // place between the checks and the insert. Look again (provider-neutral, no error codes).
                db.Entry(user).State = EntityState.Detached;
                user.Id = 0;
                if (attempt >= MaxSignUpAttempts)
                    throw new AccountException(AccountError.Taken, MessageText.Of("server.account.taken-race", "That user name or e-mail was taken at the same moment: try again."));
            }
        }
    }

    /// <summary>Grants or revokes administrator rights (CLI); open sessions follow at their next request.</summary>
    public static async Task<User> SetAdminAsync(FlorascopeDb db, string userName, bool admin, CancellationToken ct = default)
    {
        var who = userName.Trim().ToLowerInvariant();
        var user = await db.Users.FirstOrDefaultAsync(u => u.UserName == who, ct)
            ?? throw new AccountException(AccountError.UnknownUser, MessageText.Of("server.account.unknown", "No account '{who}'.", ("who", who)));
        user.IsAdmin = admin;
        await db.SaveChangesAsync(ct);
        return user;
    }
}
