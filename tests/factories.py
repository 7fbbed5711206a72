"""Factories that build objects in a named state. Places come from the shipped CSV."""

import factory
from allauth.account.models import EmailAddress

from silta.accounts.models import CoordinatingOrganisation, Membership, Role, User
from silta.associations.models import Association
from silta.places.models import Municipality


def municipality(code: str) -> Municipality:
    return Municipality.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"henkilo{n}@example.fi")
    full_name = factory.Faker("name", locale="fi_FI")
    language = "fi"

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=True)

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        # Like a person who signs in by emailed code: no password unless one is given.
        if extracted:
            self.set_password(extracted)
        else:
            self.set_unusable_password()
        if create:
            self.save(update_fields=["password"])


class AssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Association

    name_fi = factory.Sequence(lambda n: f"Testiyhdistys {n} ry")
    municipality = factory.LazyFunction(lambda: municipality("564"))
    register_number = factory.Sequence(lambda n: f"{100000 + n}")
    status = Association.Status.ACTIVE


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoordinatingOrganisation

    name = factory.Sequence(lambda n: f"Koordinoiva organisaatio {n}")


def grant(user, role, **scope) -> Membership:
    return Membership.objects.create(user=user, role=role, **scope)


__all__ = [
    "AssociationFactory",
    "OrganisationFactory",
    "Role",
    "UserFactory",
    "grant",
    "municipality",
]
