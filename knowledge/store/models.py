"""The service directory's tables, shaped after Open Referral UK / HSDS 3.0.

Names follow HSDS 3.0 (organization, service, location, service_at_location, address, phone, schedule,
service_area, taxonomy_term, attribute) so that an HSDS export is a dump without renames. What HSDS cannot
say is added as plainly named local extensions:

- ``Service.source`` / ``Service.source_url``: where every fact about the service came from. We never show a
  contact fact without one (see README, "Never invent contact facts").
- ``Service.assured_date`` is HSDS's "date the information about the service was last checked"; we require it.
- ``Schedule.closes_on_bank_holidays``: HSDS has no bank-holiday concept, English services often close on them.
- ``HolidaySchedule``: ORUK 1.0 holiday closures and changed hours as the feed gave them (already applied to
  the schedules; kept for export).
- ``Service.is_national``: a service for all of England (a helpline), offered wherever the person is.
- ``Service.is_crisis_line``: answers at any hour for people in crisis; offered first out of hours.
- ``Service.id_scope``: which feed the record came from. Ids are unique within a feed, not across councils, so
  a council's records are stored as ``<scope>:<original id>`` (and their nested objects under the service's id)
  and exported with their original ids again. The bundled directory has no scope (``None``).

Ids are up to :data:`ID_LENGTH` characters so that a scope plus a feed's own UUID fits.

All schedule times are wall-clock Europe/London (HSDS would use a numeric UTC offset, which cannot follow
summer time); the importer converts.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import List, Optional

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

#: HSDS 3.0 service.status values. Only ``active`` services are ever offered to people.
SERVICE_STATUSES = ("active", "inactive", "defunct", "temporarily closed")

#: HSDS/ORUK phone.type values (RFC 6350 list). ``text`` is an SMS line.
PHONE_TYPES = ("voice", "text", "fax", "cell", "video", "pager", "textphone")

#: Length of every id column: room for a feed scope, a service id and a nested object's own id.
ID_LENGTH = 255


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Organization(Base):
    __tablename__ = "organization"

    id = Column(String(ID_LENGTH), primary_key=True, default=new_id)
    name = Column(String(255), nullable=False)
    alternate_name = Column(String(255))
    description = Column(Text, nullable=False, default="")
    email = Column(String(255))
    website = Column(String(500))

    services: List["Service"] = relationship(
        "Service", back_populates="organization", cascade="all, delete-orphan"
    )
    locations: List["Location"] = relationship(
        "Location", back_populates="organization", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"Organization(id={self.id!r}, name={self.name!r})"


class Service(Base):
    __tablename__ = "service"

    id = Column(String(ID_LENGTH), primary_key=True, default=new_id)
    organization_id = Column(String(ID_LENGTH), ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    name = Column(String(255), nullable=False)
    alternate_name = Column(String(255))
    description = Column(Text, nullable=False, default="")
    url = Column(String(500))
    email = Column(String(255))
    status = Column(String(32), nullable=False, default="active")
    application_process = Column(Text)
    eligibility_description = Column(Text)
    fees_description = Column(Text)
    minimum_age = Column(Integer)
    maximum_age = Column(Integer)
    alert = Column(Text)
    #: HSDS: "the date that the information about the service was last checked".
    assured_date = Column(Date)
    #: Indexed so that the directory fingerprint (knowledge.places.areas) reads its maximum, not every row.
    last_modified = Column(DateTime, default=utcnow, onupdate=utcnow, index=True)

    # Local extensions (see module docstring).
    source = Column(Text)
    source_url = Column(String(500))
    is_national = Column(Boolean, nullable=False, default=False)
    is_crisis_line = Column(Boolean, nullable=False, default=False)
    #: The feed this record came from (see module docstring); ``None`` for the bundled directory.
    id_scope = Column(String(64), index=True)

    organization: Optional[Organization] = relationship("Organization", back_populates="services")
    phones: List["Phone"] = relationship(
        "Phone", back_populates="service", cascade="all, delete-orphan", order_by="Phone.position"
    )
    schedules: List["Schedule"] = relationship(
        "Schedule",
        back_populates="service",
        cascade="all, delete-orphan",
        primaryjoin="and_(Schedule.service_id == Service.id, Schedule.service_at_location_id.is_(None))",
    )
    service_areas: List["ServiceArea"] = relationship(
        "ServiceArea", back_populates="service", cascade="all, delete-orphan"
    )
    service_at_locations: List["ServiceAtLocation"] = relationship(
        "ServiceAtLocation", back_populates="service", cascade="all, delete-orphan"
    )
    attributes: List["Attribute"] = relationship(
        "Attribute", back_populates="service", cascade="all, delete-orphan"
    )
    languages: List["Language"] = relationship(
        "Language", back_populates="service", cascade="all, delete-orphan"
    )
    cost_options: List["CostOption"] = relationship(
        "CostOption", back_populates="service", cascade="all, delete-orphan"
    )
    holiday_schedules: List["HolidaySchedule"] = relationship(
        "HolidaySchedule", back_populates="service", cascade="all, delete-orphan"
    )

    @property
    def taxonomy_terms(self) -> List["TaxonomyTerm"]:
        return [a.taxonomy_term for a in self.attributes if a.taxonomy_term is not None]

    def __repr__(self) -> str:
        return f"Service(id={self.id!r}, name={self.name!r}, status={self.status!r})"


class Location(Base):
    __tablename__ = "location"

    id = Column(String(ID_LENGTH), primary_key=True, default=new_id)
    organization_id = Column(String(ID_LENGTH), ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    location_type = Column(String(16), nullable=False, default="physical")  # physical, postal, virtual
    name = Column(String(255))
    description = Column(Text)
    url = Column(String(500))
    latitude = Column(Float)
    longitude = Column(Float)

    organization: Optional[Organization] = relationship("Organization", back_populates="locations")
    addresses: List["Address"] = relationship(
        "Address", back_populates="location", cascade="all, delete-orphan"
    )
    service_at_locations: List["ServiceAtLocation"] = relationship(
        "ServiceAtLocation", back_populates="location"
    )


class Address(Base):
    __tablename__ = "address"

    id = Column(String(ID_LENGTH), primary_key=True, default=new_id)
    location_id = Column(String(ID_LENGTH), ForeignKey("location.id", ondelete="CASCADE"), nullable=False, index=True)
    attention = Column(String(255))
    address_1 = Column(String(255), nullable=False)
    address_2 = Column(String(255))
    city = Column(String(128), nullable=False, index=True)  # indexed for the directory fingerprint
    region = Column(String(128))
    state_province = Column(String(128))  # in England: county or unitary authority
    postal_code = Column(String(16), nullable=False, index=True)  # indexed for the directory fingerprint
    country = Column(String(2), nullable=False, default="GB")
    address_type = Column(String(16), nullable=False, default="physical")

    location: Location = relationship("Location", back_populates="addresses")


class ServiceAtLocation(Base):
    __tablename__ = "service_at_location"
    __table_args__ = (UniqueConstraint("service_id", "location_id"),)

    id = Column(String(ID_LENGTH), primary_key=True, default=new_id)
    service_id = Column(String(ID_LENGTH), ForeignKey("service.id", ondelete="CASCADE"), nullable=False, index=True)
    location_id = Column(String(ID_LENGTH), ForeignKey("location.id", ondelete="CASCADE"), nullable=False, index=True)
    description = Column(Text)

    service: Service = relationship("Service", back_populates="service_at_locations")
    location: Location = relationship("Location", back_populates="service_at_locations")
    schedules: List["Schedule"] = relationship(
        "Schedule", back_populates="service_at_location", cascade="all, delete-orphan"
    )
    holiday_schedules: List["HolidaySchedule"] = relationship(
        "HolidaySchedule", back_populates="service_at_location", cascade="all, delete-orphan"
    )


class Phone(Base):
    __tablename__ = "phone"

    id = Column(String(ID_LENGTH), primary_key=True, default=new_id)
    service_id = Column(String(ID_LENGTH), ForeignKey("service.id", ondelete="CASCADE"), index=True)
    location_id = Column(String(ID_LENGTH), ForeignKey("location.id", ondelete="CASCADE"))
    number = Column(String(64), nullable=False)
    extension = Column(String(16))
    type = Column(String(16), nullable=False, default="voice")
    description = Column(Text)
    #: Order in which to show a service's phones (HSDS lists are ordered; SQL rows are not).
    position = Column(Integer, nullable=False, default=0)

    service: Optional[Service] = relationship("Service", back_populates="phones")
    #: So that a flush inserts a location before the phones at it (the importer flushes a record's rows once).
    location: Optional[Location] = relationship("Location")


class Schedule(Base):
    """An HSDS 3.0 schedule row: when a service (or a service at a location) is open.

    ``opens_at``/``closes_at`` are wall-clock Europe/London. A closing time earlier than the opening time runs
    past midnight; 00:00–23:59 means open all day (HSDS field guidance).
    """

    __tablename__ = "schedule"

    id = Column(String(ID_LENGTH), primary_key=True, default=new_id)
    service_id = Column(String(ID_LENGTH), ForeignKey("service.id", ondelete="CASCADE"), index=True)
    location_id = Column(String(ID_LENGTH), ForeignKey("location.id", ondelete="CASCADE"))
    service_at_location_id = Column(String(ID_LENGTH), ForeignKey("service_at_location.id", ondelete="CASCADE"), index=True
    )
    valid_from = Column(Date)
    valid_to = Column(Date)
    dtstart = Column(Date)
    until = Column(Date)
    freq = Column(String(8), nullable=False, default="WEEKLY")
    interval = Column(Integer, nullable=False, default=1)
    byday = Column(String(64))
    #: Days of the month (``"1,15"``, ``"-1"`` = last day), for freq MONTHLY.
    bymonthday = Column(String(64))
    opens_at = Column(Time)
    closes_at = Column(Time)
    description = Column(Text)
    notes = Column(Text)
    closes_on_bank_holidays = Column(Boolean, nullable=False, default=False)

    service: Optional[Service] = relationship(
        "Service", back_populates="schedules", foreign_keys=[service_id]
    )
    service_at_location: Optional[ServiceAtLocation] = relationship(
        "ServiceAtLocation", back_populates="schedules"
    )


class HolidaySchedule(Base):
    """An ORUK 1.0 ``holiday_schedule`` as the feed gave it: closed, or open at other hours, from ``start_date`` to
    ``end_date`` (inclusive), for a service or for a service at a location.

    The hours engine never reads these: the importer has already applied them to the :class:`Schedule` rows
    (regular rules paused over the dates, dated rules for changed hours; the HSDS 3.0 way). They are kept so that an
    export says them as the feed did. HSDS 3.0 has no such object; this is a local extension.
    """

    __tablename__ = "holiday_schedule"

    id = Column(String(ID_LENGTH), primary_key=True, default=new_id)
    service_id = Column(String(ID_LENGTH), ForeignKey("service.id", ondelete="CASCADE"), index=True)
    service_at_location_id = Column(
        String(ID_LENGTH), ForeignKey("service_at_location.id", ondelete="CASCADE"), index=True
    )
    closed = Column(Boolean, nullable=False, default=True)
    opens_at = Column(Time)
    closes_at = Column(Time)
    start_date = Column(Date, nullable=False)
    end_date = Column(Date, nullable=False)

    service: Optional[Service] = relationship("Service", back_populates="holiday_schedules")
    service_at_location: Optional[ServiceAtLocation] = relationship(
        "ServiceAtLocation", back_populates="holiday_schedules"
    )


class ServiceArea(Base):
    __tablename__ = "service_area"

    id = Column(String(ID_LENGTH), primary_key=True, default=new_id)
    service_id = Column(String(ID_LENGTH), ForeignKey("service.id", ondelete="CASCADE"), nullable=False, index=True)
    name = Column(String(255), nullable=False, index=True)  # indexed for the directory fingerprint
    description = Column(Text)
    extent = Column(Text)
    extent_type = Column(String(32))
    uri = Column(String(500))

    service: Service = relationship("Service", back_populates="service_areas")


class Taxonomy(Base):
    __tablename__ = "taxonomy"

    id = Column(String(ID_LENGTH), primary_key=True, default=new_id)
    name = Column(String(255), nullable=False)
    description = Column(Text, nullable=False, default="")
    uri = Column(String(500))
    version = Column(String(32))


class TaxonomyTerm(Base):
    __tablename__ = "taxonomy_term"

    id = Column(String(ID_LENGTH), primary_key=True, default=new_id)
    code = Column(String(128))
    name = Column(String(255), nullable=False)
    description = Column(Text, nullable=False, default="")
    parent_id = Column(String(ID_LENGTH), ForeignKey("taxonomy_term.id", ondelete="SET NULL"))
    taxonomy = Column(String(255))
    taxonomy_id = Column(String(ID_LENGTH), ForeignKey("taxonomy.id", ondelete="SET NULL"))
    term_uri = Column(String(500))


class Attribute(Base):
    """HSDS 3.0's single link table from an object to a taxonomy term; here, from services."""

    __tablename__ = "attribute"

    id = Column(String(ID_LENGTH), primary_key=True, default=new_id)
    link_id = Column(String(ID_LENGTH), ForeignKey("service.id", ondelete="CASCADE"), nullable=False, index=True)
    link_type = Column(String(64))
    link_entity = Column(String(64), nullable=False, default="service")
    taxonomy_term_id = Column(String(ID_LENGTH), ForeignKey("taxonomy_term.id", ondelete="CASCADE"), nullable=False
    )
    value = Column(Text)

    service: Service = relationship("Service", back_populates="attributes")
    taxonomy_term: TaxonomyTerm = relationship("TaxonomyTerm")


class Language(Base):
    """HSDS 3.0 ``language``: a language the service is offered in."""

    __tablename__ = "language"

    id = Column(String(ID_LENGTH), primary_key=True, default=new_id)
    service_id = Column(String(ID_LENGTH), ForeignKey("service.id", ondelete="CASCADE"), nullable=False, index=True)
    name = Column(String(128))
    code = Column(String(16))
    note = Column(Text)

    service: Service = relationship("Service", back_populates="languages")


class CostOption(Base):
    """HSDS 3.0 ``cost_option``: what using the service costs (ORUK 1.0 ``cost_options`` too)."""

    __tablename__ = "cost_option"

    id = Column(String(ID_LENGTH), primary_key=True, default=new_id)
    service_id = Column(String(ID_LENGTH), ForeignKey("service.id", ondelete="CASCADE"), nullable=False, index=True)
    valid_from = Column(Date)
    valid_to = Column(Date)
    option = Column(Text)
    currency = Column(String(3))
    amount = Column(Float)
    amount_description = Column(Text)

    service: Service = relationship("Service", back_populates="cost_options")
