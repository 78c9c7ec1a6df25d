using Google.Protobuf;
using Parley.Storage;
using MembershipChange = Parley.Protocol.MembershipChange;

namespace Parley.Grains.Conversations;

/// <summary>
/// One conversation's state and rules, with no I/O: who its members are and what they may do, the
/// next seq and timestamp, which client message ids it has seen, how far each device has
/// acknowledged and the members' receipt watermarks. Every change is returned as an
/// <see cref="Append"/> (or a receipt change) for the actor to persist and fan out.
/// </summary>
public sealed class Conversation
{
    private readonly Dictionary<Guid, Member> _members = [];
    private readonly Dictionary<(Guid Account, uint Device), ulong> _cursors = [];
    private readonly RecentEntries _recent;
    private HybridLogicalClock _clock;
    private NewConversation? _pendingCreation;
    private List<Member> _pendingMembers = [];

    private Conversation(string id, int dedupWindow)
    {
        Id = id;
        _recent = new RecentEntries(dedupWindow);
        _clock = new HybridLogicalClock(0);
    }

    public string Id { get; }

    public ConversationKind Kind { get; private set; } = ConversationKind.Direct;

    public string Name { get; private set; } = "";

    /// <summary>The last seq in the log; 0 while the conversation does not exist yet.</summary>
    public ulong Head { get; private set; }

    public bool Exists => Head > 0 || _pendingCreation is not null;

    public IEnumerable<Member> CurrentMembers => _members.Values.Where(m => m.IsCurrent);

    public static Conversation New(string id, int dedupWindow) => new(id, dedupWindow);

    public static Conversation Load(ConversationState state, int dedupWindow)
    {
        var conversation = new Conversation(state.Id, dedupWindow)
        {
            Kind = state.Kind,
            Name = state.Name,
            Head = state.HeadSeq,
            _clock = new HybridLogicalClock(state.HeadTimestamp),
        };
        foreach (var member in state.Members)
        {
            conversation._members[member.AccountId] = new Member(member);
        }
        foreach (var cursor in state.Cursors)
        {
            conversation._cursors[(cursor.AccountId, cursor.DeviceId)] = cursor.AckedSeq;
        }
        foreach (var entry in state.RecentEntries)
        {
            conversation._recent.Add(entry);
        }
        return conversation;
    }

    public Member? MemberOf(Guid accountId) => _members.GetValueOrDefault(accountId);

    public bool IsCurrentMember(Guid accountId) => _members.TryGetValue(accountId, out var member) && member.IsCurrent;

    // ----- sending -------------------------------------------------------------------------

    /// <summary>Makes this (not yet existing) conversation the 1:1 of two accounts; its first append creates it.</summary>
    public void StartDirect(Guid a, Guid b, long nowMs)
    {
        if (Exists)
        {
            throw new InvalidOperationException("The conversation exists already.");
        }
        Kind = ConversationKind.Direct;
        _pendingCreation = new NewConversation(ConversationKind.Direct, "", nowMs);
        foreach (var account in new[] { a, b }.Distinct())
        {
            _pendingMembers.Add(_members[account] = new Member(account, MemberRole.Member, joinedSeq: 1));
        }
    }

    /// <summary>The earlier entry a retried send refers to, if this conversation remembers it.</summary>
    public RecentEntry? FindDuplicate(Guid sender, byte[] clientMessageId) => _recent.Find(sender, clientMessageId);

    public Append AppendMessage(Guid sender, uint device, byte[] clientMessageId, byte[]? payload, IReadOnlyList<DevicePayload>? devicePayloads, long nowMs)
    {
        if (!IsCurrentMember(sender))
        {
            throw new InvalidOperationException("Only members append messages.");
        }
        return Next(sender, device, clientMessageId, EntryKind.Message, payload, devicePayloads, nowMs, []);
    }

    // ----- groups --------------------------------------------------------------------------

    public Outcome CreateGroup(Guid creator, uint device, string name, IReadOnlyCollection<Guid> others, int maxMembers, long nowMs)
    {
        if (Exists)
        {
            return Outcome.Fail(ConversationError.Invalid, "the group exists already");
        }
        var accounts = others.Prepend(creator).Distinct().ToList();
        if (accounts.Count > maxMembers)
        {
            return Outcome.Fail(ConversationError.LimitExceeded, $"a group has at most {maxMembers} members");
        }
        Kind = ConversationKind.Group;
        Name = name;
        _pendingCreation = new NewConversation(ConversationKind.Group, name, nowMs);
        var changes = accounts.Select(a => _members[a] = new Member(a, a == creator ? MemberRole.Admin : MemberRole.Member, joinedSeq: 1)).ToList();
        var change = Change(MembershipChange.Types.Kind.Created, accounts, name);
        return Outcome.Of(Next(creator, device, null, EntryKind.Membership, change, null, nowMs, changes));
    }

    public Outcome AddMembers(Guid by, uint device, IReadOnlyCollection<Guid> accounts, int maxMembers, long nowMs)
    {
        if (CheckAdmin(by) is { } refused)
        {
            return refused;
        }
        var added = accounts.Distinct().Where(a => !IsCurrentMember(a)).ToList();
        if (added.Count == 0)
        {
            return Outcome.Of();
        }
        if (CurrentMembers.Count() + added.Count > maxMembers)
        {
            return Outcome.Fail(ConversationError.LimitExceeded, $"a group has at most {maxMembers} members");
        }
        var seq = Head + 1;
        var changes = added.Select(a => _members[a] = Rejoin(a, seq)).ToList();
        return Outcome.Of(Next(by, device, null, EntryKind.Membership, Change(MembershipChange.Types.Kind.Added, added), null, nowMs, changes));
    }

    public Outcome RemoveMember(Guid by, uint device, Guid account, long nowMs)
    {
        if (CheckAdmin(by) is { } refused)
        {
            return refused;
        }
        if (account == by)
        {
            return Outcome.Fail(ConversationError.Invalid, "to remove yourself, leave the group");
        }
        if (!IsCurrentMember(account))
        {
            return Outcome.Fail(ConversationError.NotFound, "that account is not a member of this group");
        }
        var leaving = _members[account];
        leaving.LeftSeq = Head + 1;
        _cursors.Keys.Where(k => k.Account == account).ToList().ForEach(k => _cursors.Remove(k));
        return Outcome.Of(Next(by, device, null, EntryKind.Membership, Change(MembershipChange.Types.Kind.Removed, [account]), null, nowMs, [leaving]));
    }

    public Outcome PromoteMember(Guid by, uint device, Guid account, long nowMs)
    {
        if (CheckAdmin(by) is { } refused)
        {
            return refused;
        }
        if (!IsCurrentMember(account))
        {
            return Outcome.Fail(ConversationError.NotFound, "that account is not a member of this group");
        }
        var member = _members[account];
        if (member.Role == MemberRole.Admin)
        {
            return Outcome.Of();
        }
        member.Role = MemberRole.Admin;
        return Outcome.Of(Next(by, device, null, EntryKind.Membership, Change(MembershipChange.Types.Kind.Promoted, [account]), null, nowMs, [member]));
    }

    /// <summary>A member leaves. When the last admin leaves, the longest-standing member becomes admin (a second entry).</summary>
    public Outcome Leave(Guid by, uint device, long nowMs)
    {
        if (Kind != ConversationKind.Group || !IsCurrentMember(by))
        {
            return Outcome.Fail(ConversationError.NotFound, "no such group");
        }
        var leaving = _members[by];
        leaving.LeftSeq = Head + 1;
        _cursors.Keys.Where(k => k.Account == by).ToList().ForEach(k => _cursors.Remove(k));
        var appends = new List<Append> { Next(by, device, null, EntryKind.Membership, Change(MembershipChange.Types.Kind.Left, [by]), null, nowMs, [leaving]) };
        var remaining = CurrentMembers.ToList();
        if (leaving.Role == MemberRole.Admin && remaining.Count > 0 && remaining.All(m => m.Role != MemberRole.Admin))
        {
            var heir = remaining.OrderBy(m => m.JoinedSeq).ThenBy(m => m.AccountId).First();
            heir.Role = MemberRole.Admin;
            appends.Add(Next(by, device, null, EntryKind.Membership, Change(MembershipChange.Types.Kind.Promoted, [heir.AccountId]), null, nowMs, [heir]));
        }
        return Outcome.Of([.. appends]);
    }

    // ----- delivery and receipts -------------------------------------------------------------

    /// <summary>The accounts that receive an entry: every member whose visible part of the log holds it.</summary>
    public IEnumerable<Guid> AudienceOf(ulong seq) =>
        _members.Values.Where(m => m.JoinedSeq <= seq && (m.LeftSeq is null || seq <= m.LeftSeq)).Select(m => m.AccountId);

    /// <summary>
    /// A device acknowledged everything up to <paramref name="seq"/>. Returns the cursor to save, and
    /// the member's new delivered watermark when it moved; null when nothing changed.
    /// </summary>
    public AckChange? Ack(Guid account, uint device, ulong seq)
    {
        if (!_members.TryGetValue(account, out var member) || !member.IsCurrent)
        {
            return null;
        }
        seq = Math.Min(seq, Head);
        var key = (account, device);
        if (_cursors.TryGetValue(key, out var current) && seq <= current || seq < member.JoinedSeq)
        {
            return null;
        }
        _cursors[key] = seq;
        var previousDelivered = member.DeliveredSeq;
        member.DeliveredSeq = Math.Max(member.DeliveredSeq, seq);
        return new AckChange(new DeviceCursor(account, device, seq), member.DeliveredSeq > previousDelivered ? (previousDelivered, member.DeliveredSeq) : null, member.ToRecord());
    }

    /// <summary>A member has read up to <paramref name="seq"/> (which implies delivered). Null when the watermark did not move.</summary>
    public MemberRecord? MarkRead(Guid account, ulong seq)
    {
        if (!_members.TryGetValue(account, out var member) || !member.IsCurrent)
        {
            return null;
        }
        seq = Math.Min(seq, Head);
        if (seq <= member.ReadSeq)
        {
            return null;
        }
        member.ReadSeq = seq;
        member.DeliveredSeq = Math.Max(member.DeliveredSeq, seq);
        return member.ToRecord();
    }

    /// <summary>
    /// Who sent the entries in (<paramref name="after"/>, <paramref name="upTo"/>], other than
    /// <paramref name="except"/>: the accounts a delivered receipt for that range concerns. Null
    /// when the range reaches back further than this conversation remembers.
    /// </summary>
    public IReadOnlyCollection<Guid>? SendersBetween(ulong after, ulong upTo, Guid except) => _recent.SendersBetween(after, upTo, except);

    // ----- internals ----------------------------------------------------------------------------

    private Outcome? CheckAdmin(Guid by)
    {
        if (Kind != ConversationKind.Group || !IsCurrentMember(by))
        {
            return Outcome.Fail(ConversationError.NotFound, "no such group");
        }
        return _members[by].Role == MemberRole.Admin ? null : Outcome.Fail(ConversationError.Forbidden, "only group admins may do this");
    }

    private Member Rejoin(Guid account, ulong seq)
    {
        if (_members.TryGetValue(account, out var former))
        {
            former.JoinedSeq = seq;
            former.LeftSeq = null;
            former.Role = MemberRole.Member;
            return former;
        }
        return new Member(account, MemberRole.Member, seq);
    }

    private Append Next(
        Guid sender, uint device, byte[]? clientMessageId, EntryKind kind, byte[]? payload, IReadOnlyList<DevicePayload>? devicePayloads,
        long nowMs, IReadOnlyList<Member> changes)
    {
        var entry = new LogEntry(Id, ++Head, _clock.Next(nowMs), sender, device, clientMessageId, kind, payload, devicePayloads is not null, devicePayloads);
        _recent.Add(new RecentEntry(entry.Seq, entry.Timestamp, sender, clientMessageId));
        // The first append of a conversation also writes the conversation row and its first members.
        var created = _pendingCreation;
        var members = changes.Concat(_pendingMembers).Distinct().Select(m => m.ToRecord()).ToList();
        _pendingCreation = null;
        _pendingMembers = [];
        return new Append(entry, created, members);
    }

    private static byte[] Change(MembershipChange.Types.Kind kind, IEnumerable<Guid> accounts, string name = "")
    {
        var change = new MembershipChange { Kind = kind, Name = name };
        change.AccountIds.AddRange(accounts.Select(a => a.ToString()));
        return change.ToByteArray();
    }

    /// <summary>A member's mutable state inside the conversation.</summary>
    public sealed class Member
    {
        public Member(Guid accountId, MemberRole role, ulong joinedSeq)
        {
            AccountId = accountId;
            Role = role;
            JoinedSeq = joinedSeq;
        }

        public Member(MemberRecord record)
            : this(record.AccountId, record.Role, record.JoinedSeq)
        {
            LeftSeq = record.LeftSeq;
            DeliveredSeq = record.DeliveredSeq;
            ReadSeq = record.ReadSeq;
        }

        public Guid AccountId { get; }

        public MemberRole Role { get; set; }

        public ulong JoinedSeq { get; set; }

        public ulong? LeftSeq { get; set; }

        public ulong DeliveredSeq { get; set; }

        public ulong ReadSeq { get; set; }

        public bool IsCurrent => LeftSeq is null;

        public MemberRecord ToRecord() => new(AccountId, Role, JoinedSeq, LeftSeq, DeliveredSeq, ReadSeq);
    }
}

/// <summary>One entry to persist, with the conversation row (for its first entry) and the member rows it changes.</summary>
public sealed record Append(LogEntry Entry, NewConversation? Created, IReadOnlyList<MemberRecord> MemberChanges);

/// <summary>The result of a membership operation: an error, or the entries it appends (possibly none).</summary>
public sealed record Outcome(ConversationError Error, string Message, IReadOnlyList<Append> Appends)
{
    public static Outcome Fail(ConversationError error, string message) => new(error, message, []);

    public static Outcome Of(params Append[] appends) => new(ConversationError.None, "", appends);
}

/// <summary>A device's acknowledgement as it changes state: the cursor to save and, if it moved, the member's delivered range.</summary>
public sealed record AckChange(DeviceCursor Cursor, (ulong After, ulong UpTo)? Delivered, MemberRecord Member);
