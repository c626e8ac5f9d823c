using EsimRenewal.Core.Identity;

namespace EsimRenewal.UnitTests.Identity;

public sealed class AdminGuardTests
{
    private const string Me = "me";
    private const string Other = "other";

    [Fact]
    public void An_admin_cannot_remove_their_own_admin_role_while_others_remain()
    {
        Assert.Equal(AdminGuardRefusal.OwnAdminRole, AdminGuard.ForRoleChange(Me, Me, targetIsActiveAdmin: true, otherActiveAdmins: 2, removesAdmin: true));
    }

    [Fact]
    public void The_last_active_admin_cannot_lose_the_role_whoever_asks()
    {
        Assert.Equal(AdminGuardRefusal.LastAdmin, AdminGuard.ForRoleChange(Me, Me, targetIsActiveAdmin: true, otherActiveAdmins: 0, removesAdmin: true));
        Assert.Equal(AdminGuardRefusal.LastAdmin, AdminGuard.ForRoleChange(Me, Other, targetIsActiveAdmin: true, otherActiveAdmins: 0, removesAdmin: true));
    }

    [Fact]
    public void Another_admin_can_be_demoted_while_an_active_admin_remains()
    {
        Assert.Null(AdminGuard.ForRoleChange(Me, Other, targetIsActiveAdmin: true, otherActiveAdmins: 1, removesAdmin: true));
    }

    [Fact]
    public void A_locked_or_invited_admin_can_be_demoted_even_when_no_other_admin_is_active()
    {
        Assert.Null(AdminGuard.ForRoleChange(Me, Other, targetIsActiveAdmin: false, otherActiveAdmins: 0, removesAdmin: true));
    }

    [Fact]
    public void Changes_that_keep_the_admin_role_are_always_allowed()
    {
        Assert.Null(AdminGuard.ForRoleChange(Me, Me, targetIsActiveAdmin: true, otherActiveAdmins: 0, removesAdmin: false));
    }

    [Fact]
    public void An_admin_cannot_lock_themselves_and_nobody_locks_the_last_active_admin()
    {
        Assert.Equal(AdminGuardRefusal.OwnLock, AdminGuard.ForLock(Me, Me, targetIsActiveAdmin: true, otherActiveAdmins: 1));
        Assert.Equal(AdminGuardRefusal.LastAdmin, AdminGuard.ForLock(Me, Other, targetIsActiveAdmin: true, otherActiveAdmins: 0));
        Assert.Null(AdminGuard.ForLock(Me, Other, targetIsActiveAdmin: true, otherActiveAdmins: 1));
        Assert.Null(AdminGuard.ForLock(Me, Other, targetIsActiveAdmin: false, otherActiveAdmins: 0)); // staff, travellers
    }

    [Fact]
    public void An_admin_lock_lasts_until_unlocked_and_a_sign_in_lockout_ends()
    {
        var now = new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);

        Assert.True(AccountLock.IsLocked(AccountLock.Indefinitely, now));
        Assert.True(AccountLock.IsLockedByAdmin(AccountLock.Indefinitely));
        Assert.True(AccountLock.IsLocked(now.AddMinutes(15), now));
        Assert.False(AccountLock.IsLockedByAdmin(now.AddMinutes(15)));
        Assert.False(AccountLock.IsLocked(now, now));
        Assert.False(AccountLock.IsLocked(null, now));
    }

    [Fact]
    public void The_last_active_admin_cannot_delete_their_account_but_any_other_account_can_go()
    {
        Assert.Equal(AdminGuardRefusal.LastAdmin, AdminGuard.ForDeletion(targetIsActiveAdmin: true, otherActiveAdmins: 0));
        Assert.Null(AdminGuard.ForDeletion(targetIsActiveAdmin: true, otherActiveAdmins: 1));
        Assert.Null(AdminGuard.ForDeletion(targetIsActiveAdmin: false, otherActiveAdmins: 0));
    }
}
